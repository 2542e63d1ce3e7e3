import type { TalosClientCredentials } from "../pki/talosconfig.js";
import { isInMaintenanceMode, TalosClient } from "./client.js";
import { TalosRequestError } from "./errors.js";
import { waitForKubernetesApi } from "./kubernetes-api.js";
import { isTransientTalosError, retryTalos } from "./retry.js";

/** Where a node is and how long to wait for it (the inputs of the Talos dynamic resources). */
export interface NodeOperationInputs {
  /** The node's address. */
  node: string;
  /** The node's name, for messages. */
  nodeName: string;
  /** How long to wait for the node, in seconds. */
  timeoutSeconds: number;
  /** The pause between attempts, in milliseconds (5 s by default; tests make it short). */
  retryIntervalMs?: number;
}

const retry = (inputs: NodeOperationInputs, what: string, retryable?: (error: unknown) => boolean) => ({
  what: `${what} node "${inputs.nodeName}" (${inputs.node})`,
  timeoutMs: inputs.timeoutSeconds * 1000,
  ...(inputs.retryIntervalMs !== undefined ? { intervalMs: inputs.retryIntervalMs } : {}),
  ...(retryable ? { retryable } : {}),
});

async function withClient<T>(
  options: ConstructorParameters<typeof TalosClient>[0],
  action: (client: TalosClient) => Promise<T>,
): Promise<T> {
  const client = new TalosClient(options);
  try {
    return await action(client);
  } finally {
    client.close();
  }
}

/** Re-throws a refused config with the node's name and what to do. */
function explainRefusal(error: unknown, inputs: NodeOperationInputs): never {
  if (error instanceof TalosRequestError && error.code === "INVALID_ARGUMENT") {
    throw new TalosRequestError(
      `Node "${inputs.nodeName}" (${inputs.node}) rejected its machine config: ${error.message}. Fix the config patches of the cluster.`,
      error.endpoint,
      error.method,
      error.code,
      { cause: error },
    );
  }
  throw error;
}

/** Thrown when a node runs another Talos version than the cluster's. */
export class TalosVersionMismatchError extends Error {
  override name = "TalosVersionMismatchError";
}

const minorOf = (tag: string) => /^v?(\d+)\.(\d+)/.exec(tag)?.slice(1, 3).map(Number) ?? [0, 0];
const olderMinor = (running: string, wanted: string) => {
  const [a, b] = minorOf(running) as [number, number];
  const [c, d] = minorOf(wanted) as [number, number];
  return a < c || (a === c && b < d);
};

/**
 * Applies a machine config to a node, waiting for it to answer. A node in maintenance mode gets it over
 * insecure TLS, then installs and reboots; this waits until it answers with mutual TLS and checks that
 * it runs the cluster's Talos version (the installer's). A configured node gets it over mutual TLS with
 * mode AUTO, and must not run a Talos older than the cluster's (its config contract would be too new).
 */
export async function applyMachineConfig(
  inputs: NodeOperationInputs & { config: string; talosVersion?: string },
  credentials: TalosClientCredentials,
): Promise<{ appliedIn: "maintenance" | "configured"; mode: string; warnings: string[]; runningVersion: string }> {
  const maintenance = await retryTalos(() => isInMaintenanceMode(inputs.node), retry(inputs, "waiting for"));
  const secure = { endpoint: inputs.node, credentials };
  const where = `Node "${inputs.nodeName}" (${inputs.node})`;
  try {
    if (maintenance) {
      const result = await withClient({ endpoint: inputs.node }, (client) => client.applyConfiguration(inputs.config, { mode: "AUTO" }));
      // The node installs Talos and reboots; it is ready when apid answers with mutual TLS.
      const version = await retryTalos(() => withClient(secure, (client) => client.version()), retry(inputs, "waiting for the reboot of"));
      if (inputs.talosVersion && version.tag !== inputs.talosVersion) {
        throw new TalosVersionMismatchError(
          `${where} runs Talos ${version.tag} after installing, but the cluster uses ${inputs.talosVersion}: the installer image must be of that version (arg "installerImage", or the default installer).`,
        );
      }
      return { appliedIn: "maintenance", mode: "REBOOT", warnings: result.warnings, runningVersion: version.tag };
    }
    const version = await retryTalos(() => withClient(secure, (client) => client.version()), retry(inputs, "waiting for"));
    if (inputs.talosVersion && olderMinor(version.tag, inputs.talosVersion)) {
      throw new TalosVersionMismatchError(
        `${where} runs Talos ${version.tag}, older than the cluster's ${inputs.talosVersion}, whose machine config it may not understand: upgrade the node first (talosctl upgrade).`,
      );
    }
    const result = await retryTalos(
      () => withClient(secure, (client) => client.applyConfiguration(inputs.config, { mode: "AUTO" })),
      retry(inputs, "applying the config to"),
    );
    return { appliedIn: "configured", mode: result.mode, warnings: result.warnings, runningVersion: version.tag };
  } catch (error) {
    explainRefusal(error, inputs);
  }
}

/**
 * Bootstraps etcd on a control-plane node, retrying while it is not ready. "Already bootstrapped" from
 * this node counts as success (an earlier attempt got through).
 */
export async function bootstrapCluster(
  inputs: NodeOperationInputs,
  credentials: TalosClientCredentials,
): Promise<{ alreadyBootstrapped: boolean }> {
  const notDone = (error: unknown) =>
    isTransientTalosError(error) && !(error instanceof TalosRequestError && error.code === "ALREADY_EXISTS");
  try {
    await retryTalos(
      () => withClient({ endpoint: inputs.node, credentials }, (client) => client.bootstrap()),
      retry(inputs, "bootstrapping etcd on", notDone),
    );
    return { alreadyBootstrapped: false };
  } catch (error) {
    if (error instanceof TalosRequestError && error.code === "ALREADY_EXISTS") return { alreadyBootstrapped: true };
    throw error;
  }
}

/**
 * Fetches an admin kubeconfig from a control-plane node, waiting until the node can issue it, and then
 * until the Kubernetes API answers with it.
 */
export async function fetchKubeconfig(inputs: NodeOperationInputs, credentials: TalosClientCredentials): Promise<string> {
  const kubeconfig = await retryTalos(
    () => withClient({ endpoint: inputs.node, credentials }, (client) => client.kubeconfig()),
    retry(inputs, "fetching the kubeconfig from"),
  );
  await waitForKubernetesApi(kubeconfig, {
    what: `the cluster of node "${inputs.nodeName}"`,
    timeoutMs: inputs.timeoutSeconds * 1000,
    ...(inputs.retryIntervalMs !== undefined ? { intervalMs: inputs.retryIntervalMs } : {}),
  });
  return kubeconfig;
}
