/**
 * Test helper: a throw-away workspace whose node_modules hold a stub `@highstate/pulumi` runtime and a
 * third-party unit package `@acme/units` (ESM, `exports` with an `import` condition only), so module
 * resolution from the workspace root is exercised the way a real workspace exercises it.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";

/** The unit source the helper installs: `@acme/units/thing`. */
export const acmeThingSource = { package: "@acme/units", path: "thing" } as const;

/** Writes the stub packages into `<root>/node_modules` and a workspace `package.json`. */
export async function writeUnitWorkspace(root: string): Promise<void> {
  const files: Record<string, string> = {
    "package.json": JSON.stringify({ name: "test-workspace", private: true, dependencies: { "@acme/units": "1.0.0", "@highstate/pulumi": "0.1.0" } }),
    "node_modules/@highstate/pulumi/package.json": JSON.stringify({
      name: "@highstate/pulumi",
      version: "0.1.0",
      type: "module",
      exports: { ".": { import: "./dist/index.js" }, "./package.json": "./package.json" },
    }),
    "node_modules/@highstate/pulumi/dist/index.js": "export async function runUnit(unit) { return unit.run(); }\n",
    "node_modules/@acme/units/package.json": JSON.stringify({
      name: "@acme/units",
      version: "1.0.0",
      type: "module",
      exports: { "./thing": { import: "./dist/thing.js" } },
    }),
    "node_modules/@acme/units/dist/thing.js": "export default { run: async () => ({ hello: 'world' }) };\n",
    // The package of the orchestrator test registry (test-pkg/machine, /k8s, /app).
    "node_modules/test-pkg/package.json": JSON.stringify({
      name: "test-pkg",
      version: "1.0.0",
      type: "module",
      exports: { "./machine": "./machine.js", "./k8s": "./k8s.js", "./app": "./app.js" },
    }),
    "node_modules/test-pkg/machine.js": "export default { run: async () => ({}) };\n",
    "node_modules/test-pkg/k8s.js": "export default { run: async () => ({}) };\n",
    "node_modules/test-pkg/app.js": "export default { run: async () => ({}) };\n",
  };
  for (const [path, content] of Object.entries(files)) {
    const target = join(root, path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content);
  }
}
