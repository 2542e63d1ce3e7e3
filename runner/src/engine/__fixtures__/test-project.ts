/**
 * Test helper: a small registry (machine → cluster → app, plus a standalone widget) and projects built
 * from it, with an unlocked secrets file in a workspace directory.
 */
import { buildRegistry, defineComponent, defineEntity, type Instance, type Project, type Registry, z } from "@highstate/contract";
import { ProjectSecrets } from "../../secrets/index.js";
import { workspacePaths } from "../../workspace/index.js";
import type { ProjectContext } from "../project-state.js";

const server = defineEntity({ type: "test.server.v1", schema: z.object({ host: z.string() }), meta: { title: "Server" } });
const cluster = defineEntity({ type: "test.cluster.v1", schema: z.object({ name: z.string() }), meta: { title: "Cluster" } });

const machine = defineComponent({
  type: "test.machine.v1",
  args: { size: z.number().default(1) },
  secrets: { password: z.string().optional(), token: z.string().optional() },
  outputs: { server },
  meta: { title: "Machine" },
  source: { package: "test-pkg", path: "machine" },
});
const k8s = defineComponent({
  type: "test.k8s.v1",
  inputs: { server },
  outputs: { cluster },
  meta: { title: "K8s" },
  source: { package: "test-pkg", path: "k8s" },
});
const app = defineComponent({
  type: "test.app.v1",
  inputs: { cluster },
  meta: { title: "App" },
  source: { package: "test-pkg", path: "app" },
});

const relay = defineComponent({
  type: "test.relay.v1",
  inputs: { upstream: server },
  outputs: { server },
  meta: { title: "Relay" },
  source: { package: "test-pkg", path: "relay" },
});

/** The test registry. */
export function testRegistry(version = "1.0.0"): Registry {
  return buildRegistry([{ package: { name: "test-pkg", version }, entities: [server, cluster], components: [machine, k8s, app, relay] }]);
}

/** Instance ids by short name. */
export const M = (name: string) => `test.machine.v1:${name}`;
export const K = (name: string) => `test.k8s.v1:${name}`;
export const A = (name: string) => `test.app.v1:${name}`;
export const R = (name: string) => `test.relay.v1:${name}`;

let counter = 0;
/** An instance with a fresh uid. */
export function testInstance(id: string, inputs: Instance["inputs"] = {}, args: Record<string, unknown> = {}): Instance {
  counter += 1;
  const [type, name] = [id.slice(0, id.lastIndexOf(":")), id.slice(id.lastIndexOf(":") + 1)];
  return { id, type, name, uid: `u${String(counter).padStart(7, "0")}${name.replace(/[^a-z0-9]/g, "")}`.slice(0, 32), args, inputs, injectionInputs: [], position: { x: 0, y: 0 } };
}

/** m1 → k1 → a1, and m2 standalone. */
export function chainProject(): Project {
  return {
    version: 1,
    instances: [
      testInstance(M("m1")),
      testInstance(K("k1"), { server: [{ instanceId: M("m1"), output: "server" }] }),
      testInstance(A("a1"), { cluster: [{ instanceId: K("k1"), output: "cluster" }] }),
      testInstance(M("m2")),
    ],
    hubs: [],
  };
}

/** A machine followed by `length - 1` relays, each taking the previous one's server. */
export function relayChainProject(length: number): Project {
  const instances = [testInstance(M("c0"))];
  for (let index = 1; index < length; index++) {
    instances.push(testInstance(R(`c${index}`), { upstream: [{ instanceId: instances[index - 1]!.id, output: "server" }] }));
  }
  return { version: 1, instances, hubs: [] };
}

/** `count` standalone machines. */
export function flatProject(count: number): Project {
  return { version: 1, instances: Array.from({ length: count }, (_, index) => testInstance(M(`m${index + 1}`))), hubs: [] };
}

/** The password every test project uses. */
export const testPassword = "test project password";

/** Creates the project's secrets file (with the test password) and returns an unlocked context. */
export async function testContext(workspaceRoot: string, project: Project, name = "demo", registry: Registry = testRegistry()): Promise<ProjectContext & { password: string }> {
  const secrets = await ProjectSecrets.open(workspacePaths(workspaceRoot).projectSecretsFile(name));
  if (secrets.encryptionSalt === undefined) await secrets.create(testPassword);
  else await secrets.unlock(testPassword);
  return { name, project, registry, secrets, password: testPassword };
}
