/**
 * Builds the designer into `dist/` (index.html + hashed assets), which the runner serves. The API
 * types come straight from the runner's source through an alias, so the designer does not depend on
 * the runner package (the runner depends on the designer for these assets).
 */
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defaultClientConditions, defineConfig } from "vite";

const apiTypes = fileURLToPath(new URL("../runner/src/server/api-types.ts", import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "/",
  plugins: [react()],
  resolve: {
    alias: { "@highstate/runner/api": apiTypes },
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
