/**
 * Builds the designer into `dist/` (index.html + hashed assets), which the runner serves. The API
 * types and the project operations come from `@highstate/project` (bundled from its source through the
 * `@highstate/source` condition), the layer the runner imports too; the designer imports nothing from
 * the runner (the runner depends on the designer for these assets).
 */
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defaultClientConditions, defineConfig } from "vite";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "/",
  plugins: [react()],
  resolve: {
    conditions: ["@highstate/source", ...defaultClientConditions],
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    chunkSizeWarningLimit: 4096,
  },
  server: {
    host: "127.0.0.1",
    // `npm run dev` talks to a running `highstate designer` (its URL in HIGHSTATE_DESIGNER_URL).
    proxy: { "/api": { target: process.env.HIGHSTATE_DESIGNER_URL ?? "http://127.0.0.1:3000", ws: true, changeOrigin: true } },
  },
});
