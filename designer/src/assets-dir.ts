/**
 * The absolute path of the designer's built assets (the folder holding `index.html`). This source
 * module is what workspace packages see through the `@highstate/source` condition; the published
 * package exports the same value from `dist/index.js`, written by `scripts/write-index.js`.
 */
import { fileURLToPath } from "node:url";

/** Absolute path of the folder with the built designer app (`index.html` and `assets/`). */
export const designerAssetsDir: string = fileURLToPath(new URL("../dist/", import.meta.url));
