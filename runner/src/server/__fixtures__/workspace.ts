/**
 * Throw-away workspaces for designer server tests: a `package.json`, the contract linked in and one
 * plugin package (`@acme/servers`) whose components have args, secrets, inputs and outputs.
 */
import { join } from "node:path";
import { testdir } from "../../test-utils/testdir.js";
import { installPackage, linkContract } from "../../registry/__fixtures__/plugin-workspace.js";

export { ensureContractBuilt } from "../../registry/__fixtures__/plugin-workspace.js";

/** The definitions module of the fixture plugin package. */
export const acmeDefinitions = `import { defineComponent, defineEntity, z } from "@highstate/contract";
export const server = defineEntity({ type: "acme.server.v1", schema: z.object({ host: z.string() }), meta: { title: "Server", color: "#2f81f7" } });
export const cluster = defineEntity({ type: "acme.cluster.v1", schema: z.object({ name: z.string() }), meta: { title: "Cluster" } });
export const machine = defineComponent({
  type: "acme.machine.v1",
  args: { endpoint: z.string(), port: z.number().int().min(1).max(65535).default(22) },
  secrets: { password: z.string().optional(), token: z.string().optional() },
  outputs: { server },
  meta: { title: "Machine" },
  source: { package: "@acme/servers", path: "machine" },
});
export const kube = defineComponent({
  type: "acme.kube.v1",
  args: { version: z.string().default("1.31") },
  inputs: { servers: { entity: server, required: true, multiple: true }, primary: { entity: server, required: false } },
  outputs: { cluster },
  meta: { title: "Kube" },
  source: { package: "@acme/servers", path: "kube" },
});
`;

/** Creates a workspace (removed when the test ends) and returns its path. */
export async function fixtureWorkspace(files: Record<string, string> = {}): Promise<string> {
  const dir = await testdir({
    "package.json": JSON.stringify({ name: "infra", private: true, dependencies: { "@acme/servers": "^1.0.0" } }, null, 2),
    "Pulumi.yaml": "name: infra\nruntime: nodejs\n",
    ...files,
  });
  const nodeModules = join(dir, "node_modules");
  await linkContract(nodeModules);
  await installPackage(nodeModules, { name: "@acme/servers", version: "1.0.0", source: acmeDefinitions });
  return dir;
}
