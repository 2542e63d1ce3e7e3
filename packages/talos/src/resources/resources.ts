import { defineDynamicResource } from "@highstate/pulumi";
import type { TalosClientCredentials } from "../pki/talosconfig.js";

/*
 * The Talos API as Pulumi resources. Each provider method loads the client from the project directory
 * at deploy time (`createRequire(cwd)("@highstate/talos/client")`), so the serialized provider captures
 * no imported module, and the credentials arrive as a secret argument, never inside the provider code.
 */

/** The inputs of a {@link MachineConfiguration}. */
export interface MachineConfigurationInputs {
  /** The node's address (IP or host name; port 50000 is implied). */
  node: string;
  /** The node's name, for messages. */
  nodeName: string;
  /** The whole machine config (multi-document YAML). Secret: control-plane configs hold the CA keys. */
  config: string;
  /** How long to wait for the node, in seconds. */
  timeoutSeconds: number;
  /** The cluster's Talos version, which the node must run once installed. */
  talosVersion?: string;
}

/** What applying a config reported. */
export interface MachineConfigurationOutputs {
  /** `maintenance` when the config was the node's first (applied insecurely, then the node installed and rebooted), `configured` otherwise. */
  appliedIn: "maintenance" | "configured";
  /** How the node applied it (`NO_REBOOT`, `REBOOT`, …). */
  mode: string;
  /** The node's warnings about the config. */
  warnings: string[];
  /** The Talos version the node runs. */
  runningVersion: string;
}

/**
 * A node's machine config. Create applies it: to a node in maintenance mode over insecure TLS (the node
 * then installs Talos and reboots, and the resource waits until the node answers with mutual TLS), to
 * a configured node with mutual TLS. A changed config is applied again in place (mode AUTO: without a
 * reboot when Talos can). Delete leaves the node as it is (it is not reset).
 */
export const MachineConfiguration = defineDynamicResource<MachineConfigurationInputs, MachineConfigurationOutputs, TalosClientCredentials>({
  module: "talos",
  type: "MachineConfiguration",
  provider: {
    async create(inputs, credentials) {
      const { createRequire } = process.getBuiltinModule("node:module");
      const talos = createRequire(`${process.cwd()}/`)("@highstate/talos/client") as typeof import("../client/index.js");
      const result = await talos.applyMachineConfig(inputs, credentials);
      return { id: inputs.node, outputs: result };
    },
    async update(_id, _olds, news, credentials) {
      const { createRequire } = process.getBuiltinModule("node:module");
      const talos = createRequire(`${process.cwd()}/`)("@highstate/talos/client") as typeof import("../client/index.js");
      return talos.applyMachineConfig(news, credentials);
    },
  },
});

/** The inputs of a {@link ClusterBootstrap}. */
export interface ClusterBootstrapInputs {
  /** The address of the one control-plane node etcd is bootstrapped on. */
  node: string;
  /** The node's name, for messages. */
  nodeName: string;
  /** How long to wait for the node to accept the bootstrap, in seconds. */
  timeoutSeconds: number;
}

/**
 * Bootstraps etcd once, on the first control-plane node, retrying while the node is not ready. A node
 * that answers "already bootstrapped" counts as done. Later changes never bootstrap again (that would
 * split etcd), and deleting it does nothing.
 */
export const ClusterBootstrap = defineDynamicResource<ClusterBootstrapInputs, { alreadyBootstrapped: boolean }, TalosClientCredentials>({
  module: "talos",
  type: "ClusterBootstrap",
  provider: {
    async create(inputs, credentials) {
      const { createRequire } = process.getBuiltinModule("node:module");
      const talos = createRequire(`${process.cwd()}/`)("@highstate/talos/client") as typeof import("../client/index.js");
      const result = await talos.bootstrapCluster(inputs, credentials);
      return { id: inputs.node, outputs: result };
    },
    async update(_id, olds) {
      // Bootstrapping happens once per cluster; a changed address or timeout changes nothing.
      return olds.outputs;
    },
  },
});

/** The inputs of a {@link ClusterKubeconfig}. */
export interface ClusterKubeconfigInputs {
  /** The address of a control-plane node. */
  node: string;
  /** The node's name, for messages. */
  nodeName: string;
  /** The start of the credentials' renewal period: a new period fetches a new kubeconfig (its certificate lasts a year). */
  renewalPeriod: string;
  /** How long to wait for the node, in seconds. */
  timeoutSeconds: number;
}

/** An admin kubeconfig fetched from a control-plane node through the Talos API; fetched again when its inputs change. Its output is secret. */
export const ClusterKubeconfig = defineDynamicResource<ClusterKubeconfigInputs, { kubeconfig: string }, TalosClientCredentials>({
  module: "talos",
  type: "ClusterKubeconfig",
  secretOutputs: true,
  provider: {
    async create(inputs, credentials) {
      const { createRequire } = process.getBuiltinModule("node:module");
      const talos = createRequire(`${process.cwd()}/`)("@highstate/talos/client") as typeof import("../client/index.js");
      return { id: inputs.node, outputs: { kubeconfig: await talos.fetchKubeconfig(inputs, credentials) } };
    },
    async update(_id, _olds, news, credentials) {
      const { createRequire } = process.getBuiltinModule("node:module");
      const talos = createRequire(`${process.cwd()}/`)("@highstate/talos/client") as typeof import("../client/index.js");
      return { kubeconfig: await talos.fetchKubeconfig(news, credentials) };
    },
  },
});
