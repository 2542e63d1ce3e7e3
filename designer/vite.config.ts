/**
 * Builds the designer into `dist/` (index.html + hashed assets), which the runner serves. The API
 * types and the project operations come from `@highstate/project` (bundled from its source through the
 * `@highstate/source` condition), the layer the runner imports too; the designer imports nothing from
 * the runner (the runner depends on the designer for these assets).
 *
 * `vite build --mode bench` builds the benchmark's variant into `bench/dist/`: the same app with the
 * measuring hooks of `src/bench-hooks.ts`, which production builds replace with `src/bench-hooks.off.ts`.
 */
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defaultClientConditions, defineConfig, type Plugin } from "vite";
import { iconBucketsPlugin } from "./scripts/icon-buckets-plugin.ts";

const benchHooks = fileURLToPath(new URL("./src/bench-hooks.ts", import.meta.url));
const benchHooksOff = fileURLToPath(new URL("./src/bench-hooks.off.ts", import.meta.url));

/** Outside bench mode, every import of `bench-hooks` gets the no-op module. */
function benchHooksSwap(): Plugin {
  return {
    name: "highstate-bench-hooks-off",
    enforce: "pre",
    async resolveId(source, importer, options) {
      if (!/\/bench-hooks\.js$/.test(source)) return undefined;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      return resolved?.id === benchHooks ? benchHooksOff : undefined;
    },
  };
}

export default defineConfig(({ mode }) => ({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "/",
  plugins: [react(), iconBucketsPlugin(), ...(mode === "bench" ? [] : [benchHooksSwap()])],
  resolve: {
    conditions: ["@highstate/source", ...defaultClientConditions],
  },
  build: {
    outDir: mode === "bench" ? "bench/dist" : "dist",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    // The test in test/bundle.test.ts reads it to check what the first load fetches.
    manifest: true,
    chunkSizeWarningLimit: 1536,
    rolldownOptions: {
      output: {
        chunkFileNames: (chunk) =>
          chunk.facadeModuleId?.startsWith("\0virtual:mdi-icon-bucket/") ? "assets/mdi-[name]-[hash].js" : "assets/[name]-[hash].js",
      },
    },
  },
  server: {
    host: "127.0.0.1",
    // `npm run dev` talks to a running `highstate designer` (its URL in HIGHSTATE_DESIGNER_URL).
    proxy: { "/api": { target: process.env.HIGHSTATE_DESIGNER_URL ?? "http://127.0.0.1:3000", ws: true, changeOrigin: true } },
  },
}));
