import type { Registry, RegistryComponent, RegistryInputSpec } from "@highstate/contract";

function spec(entity: string, options: Partial<RegistryInputSpec> = {}): RegistryInputSpec {
  return { entity, required: true, multiple: false, ...options };
}

function component(type: string, inputs: Record<string, RegistryInputSpec>, outputs: Record<string, RegistryInputSpec>): RegistryComponent {
  return {
    type,
    kind: "unit",
    meta: { title: type },
    args: { type: "object" },
    secrets: { type: "object" },
    inputs,
    outputs,
    package: { name: "@test/components", version: "1.0.0" },
  };
}

/** A small registry: SSH key pairs, servers, and a K3s cluster taking servers. */
export function sampleRegistry(): Registry {
  return {
    entities: {},
    components: {
      "common.ssh-key-pair.v1": component("common.ssh-key-pair.v1", {}, { keyPair: spec("common.ssh-key-pair.v1") }),
      "common.existing-server.v1": component(
        "common.existing-server.v1",
        { sshKeyPair: spec("common.ssh-key-pair.v1", { required: false }) },
        { server: spec("common.server.v1") },
      ),
      "k3s.cluster.v1": component(
        "k3s.cluster.v1",
        { master: spec("common.server.v1"), workers: spec("common.server.v1", { required: false, multiple: true }) },
        { cluster: spec("k8s.cluster.v1") },
      ),
    },
  };
}
