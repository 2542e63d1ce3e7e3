import { z } from "zod";
import { defineComponent } from "../component.js";
import { defineEntity } from "../entity.js";

/** A machine reachable over the network. */
export const serverEntity = defineEntity({
  type: "test.server.v1",
  schema: z.object({
    /** Host name reported by the machine itself. */
    hostname: z.string(),
    endpoints: z.array(z.string()).min(1),
  }),
  meta: { title: "Server", color: "#2f81f7" },
});

export const keyPairEntity = defineEntity({
  type: "test.key-pair.v1",
  schema: z.object({ publicKey: z.string(), privateKey: z.string() }),
  meta: { title: "Key Pair" },
});

export const clusterEntity = defineEntity({
  type: "test.cluster.v1",
  schema: z.object({ name: z.string() }),
  meta: { title: "Cluster" },
});

export const keyPair = defineComponent({
  type: "test.key-pair.v1",
  outputs: { keyPair: keyPairEntity },
  meta: { title: "Key Pair", category: "Test" },
  source: { package: "test-package", path: "key-pair" },
});

/** Registers a server that already exists. */
export const existingServer = defineComponent({
  type: "test.existing-server.v1",
  args: {
    /** IP address or host name. */
    endpoint: z.string(),
    /** SSH port. */
    sshPort: z.number().int().min(1).max(65535).default(22),
    tags: z.array(z.string()).optional(),
  },
  secrets: {
    /** Password for SSH, when no key is used. */
    sshPassword: z.string().optional(),
  },
  inputs: {
    /** The key used to log in. */
    keyPair: { entity: keyPairEntity, required: false },
  },
  outputs: { server: serverEntity },
  meta: { title: "Existing Server", icon: "mdi:server", category: "Servers" },
  source: { package: "test-package", path: "existing-server" },
});

export const cluster = defineComponent({
  type: "test.cluster.v1",
  args: { version: z.string().default("1.31") },
  inputs: {
    masters: { entity: serverEntity, multiple: true },
    workers: { entity: serverEntity, multiple: true, required: false },
    bastion: { entity: serverEntity, required: false },
  },
  outputs: { cluster: clusterEntity },
  meta: { title: "Cluster", category: "Kubernetes" },
  source: { package: "test-package", path: "cluster" },
});

export const app = defineComponent({
  type: "test.app.v1",
  inputs: { cluster: clusterEntity },
  outputs: {},
  meta: { title: "App" },
});
