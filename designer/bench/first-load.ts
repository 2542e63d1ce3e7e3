/**
 * What a browser fetches before the designer can draw anything: the entry chunk of a production build
 * and every chunk it imports statically (read from Vite's `.vite/manifest.json`), with their size and
 * whether any of them carries the benchmark's measuring hooks.
 */
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";

interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
}

/** The first load of a build in `distDir`. */
export interface FirstLoad {
  /** The JavaScript files of the first load (entry first). */
  files: string[];
  /** Their total size in bytes. */
  bytes: number;
  /** The chunks loaded later, on demand (dynamic imports). */
  lazyFiles: string[];
  /** Whether a first-load file contains the benchmark hooks (`window.__bench`, `__rfStore`). */
  benchHooks: boolean;
}

export function readFirstLoad(distDir: string): FirstLoad {
  const manifestFile = join(distDir, ".vite/manifest.json");
  let manifest: Record<string, ManifestChunk>;
  try {
    manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as Record<string, ManifestChunk>;
  } catch (error) {
    throw new Error(
      `cannot read "${manifestFile}" (${(error as Error).message}); build the designer first: npm run build -w @highstate/designer`,
    );
  }
  const entries = Object.entries(manifest).filter(([, chunk]) => chunk.isEntry);
  if (entries.length !== 1) throw new Error(`"${manifestFile}" has ${entries.length} entries; expected exactly one (index.html)`);
  const seen = new Set<string>();
  const files: string[] = [];
  const visit = (key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    const chunk = manifest[key];
    if (!chunk) throw new Error(`"${manifestFile}" names chunk "${key}" but does not describe it`);
    if (chunk.file.endsWith(".js")) files.push(chunk.file);
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  visit(entries[0]![0]);
  const lazyFiles = Object.entries(manifest)
    .filter(([key, chunk]) => !seen.has(key) && chunk.file.endsWith(".js"))
    .map(([, chunk]) => chunk.file);
  let bytes = 0;
  let benchHooks = false;
  for (const file of files) {
    const path = join(distDir, file);
    bytes += statSync(path).size;
    if (/__bench|__rfStore|panProgrammatic/.test(readFileSync(path, "utf8"))) benchHooks = true;
  }
  return { files, bytes, lazyFiles, benchHooks };
}
