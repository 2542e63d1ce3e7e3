/**
 * Serves the built designer app (`@highstate/designer`'s `dist` folder): files by path, `index.html`
 * for every other page path (client-side routing), hashed assets cached forever, the app's CSP on HTML.
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { ServerResponse } from "node:http";
import { createRequire } from "node:module";
import { dirname, extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { appContentSecurityPolicy, baseSecurityHeaders } from "./security.js";

const contentTypes: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".ico": "image/x-icon",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".ttf": "font/ttf",
  ".txt": "text/plain; charset=utf-8",
  ".wasm": "application/wasm",
};

/**
 * Finds the designer's built assets: the `dist` folder beside `@highstate/designer/package.json`.
 * Returns `undefined` when the package is not installed.
 */
export function findDesignerAssets(): string | undefined {
  let packageJson: string | undefined;
  try {
    packageJson = fileURLToPath(import.meta.resolve("@highstate/designer/package.json"));
  } catch {
    try {
      packageJson = createRequire(import.meta.url).resolve("@highstate/designer/package.json");
    } catch {
      return undefined;
    }
  }
  return join(dirname(packageJson), "dist");
}

/** Serves files from one folder. */
export class StaticFiles {
  /** The folder holding `index.html` and the assets, absolute and without a trailing separator. */
  readonly root: string | undefined;

  /** `root`: the folder holding `index.html` and the assets; `undefined` when the designer is not installed. */
  constructor(root: string | undefined) {
    // Resolved, so `dist/` and `dist` serve alike (the containment check compares against `root + sep`).
    this.root = root === undefined ? undefined : resolve(root);
  }

  /**
   * Serves `pathname`. Paths with a file extension that do not exist get 404; other paths get
   * `index.html` so the app can route them.
   */
  async serve(pathname: string, hostHeader: string, response: ServerResponse, headOnly = false): Promise<void> {
    if (!this.root) {
      this.#sendText(response, 503, "The designer app is not installed: install @highstate/designer next to @highstate/runner.\n");
      return;
    }
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      this.#sendText(response, 400, "Bad path.\n");
      return;
    }
    const relative = normalize(decoded).replace(/^([/\\])+/, "");
    const file = join(this.root, relative);
    if (decoded.includes("\0") || (file !== this.root && !file.startsWith(this.root + sep))) {
      this.#sendText(response, 404, "Not found.\n");
      return;
    }
    const found = relative !== "" ? await statFile(file) : undefined;
    if (found) {
      this.#sendFile(response, file, found.size, hostHeader, relative.startsWith(`assets${sep}`), headOnly);
      return;
    }
    if (extname(relative) !== "" && extname(relative) !== ".html") {
      this.#sendText(response, 404, "Not found.\n");
      return;
    }
    const index = join(this.root, "index.html");
    const indexStat = await statFile(index);
    if (!indexStat) {
      this.#sendText(
        response,
        503,
        `The designer app has not been built: "${index}" is missing. Run "npm run build -w @highstate/designer".\n`,
      );
      return;
    }
    this.#sendFile(response, index, indexStat.size, hostHeader, false, headOnly);
  }

  #sendFile(response: ServerResponse, file: string, size: number, hostHeader: string, immutable: boolean, headOnly: boolean): void {
    const type = contentTypes[extname(file).toLowerCase()] ?? "application/octet-stream";
    const headers: Record<string, string | number> = {
      ...baseSecurityHeaders,
      "Content-Type": type,
      "Content-Length": size,
      "Cache-Control": immutable ? "public, max-age=31536000, immutable" : "no-cache",
    };
    if (type.startsWith("text/html")) headers["Content-Security-Policy"] = appContentSecurityPolicy(hostHeader);
    response.writeHead(200, headers);
    if (headOnly) {
      response.end();
      return;
    }
    const stream = createReadStream(file);
    stream.on("error", () => response.destroy());
    stream.pipe(response);
  }

  #sendText(response: ServerResponse, status: number, text: string): void {
    response.writeHead(status, {
      ...baseSecurityHeaders,
      "Content-Type": "text/plain; charset=utf-8",
      "Content-Length": Buffer.byteLength(text),
      "Cache-Control": "no-store",
    });
    response.end(text);
  }
}

async function statFile(file: string): Promise<{ size: number } | undefined> {
  try {
    const info = await stat(file);
    return info.isFile() ? { size: info.size } : undefined;
  } catch {
    return undefined;
  }
}
