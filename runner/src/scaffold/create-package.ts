/**
 * Writes a new component package from the template (`highstate create-package`).
 */

import { readFileSync } from "node:fs";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { HighstateError } from "@highstate/contract";
import { domainFromName, type TemplateOptions, templateFiles } from "./template.js";

/** Thrown when a package cannot be created; the message says what to change. */
export class CreatePackageError extends HighstateError {
  static override readonly code = "create-package-failed";
  override name = "CreatePackageError";
}

const packageNamePattern = /^(?:@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/;
const domainPattern = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/** The caret range of an installed `@highstate/*` package's version, as seen from the runner. */
function installedRange(name: string, fallback?: string): string {
  try {
    const require = createRequire(import.meta.url);
    const version = (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), "utf8")) as { version: string }).version;
    return `^${version}`;
  } catch {
    if (fallback) return fallback;
    throw new CreatePackageError(`Cannot find ${name} next to the runner to take its version from`);
  }
}

/** Options of {@link createPackage}. */
export interface CreatePackageOptions {
  name: string;
  /** The directory to create (must not exist or be empty). */
  dir: string;
  domain?: string;
  layout?: TemplateOptions["layout"];
}

/**
 * Writes a new package into `dir`. Returns the files written (relative paths, sorted).
 *
 * @throws CreatePackageError for an invalid name or domain, or a directory that is not empty.
 */
export async function createPackage(options: CreatePackageOptions): Promise<string[]> {
  if (!packageNamePattern.test(options.name)) {
    throw new CreatePackageError(
      `"${options.name}" is not a valid npm package name: use lower-case letters, digits, "-", ".", "_", optionally with a scope (@acme/highstate-dns)`,
    );
  }
  const domain = options.domain ?? domainFromName(options.name);
  if (!domainPattern.test(domain)) {
    throw new CreatePackageError(
      `"${domain}" cannot start a type id (\`<domain>.<name>.v1\`): use lower-case words joined by "-", starting with a letter; pass it with --domain`,
    );
  }
  const existing = await readdir(options.dir).catch(() => []);
  if (existing.length > 0) throw new CreatePackageError(`"${options.dir}" is not empty; choose a new directory with --dir`);
  const contractRange = installedRange("@highstate/contract");
  const files = templateFiles({
    name: options.name,
    domain,
    contractRange,
    pulumiRange: installedRange("@highstate/pulumi", contractRange),
    layout: options.layout ?? "standalone",
  });
  for (const [path, content] of Object.entries(files)) {
    const target = join(options.dir, path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content, { flag: "wx" });
  }
  return Object.keys(files).sort();
}
