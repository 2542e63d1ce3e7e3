import { request } from "node:https";
import { parse } from "yaml";
import { retryTalos } from "./retry.js";

/** Thrown while the Kubernetes API is not ready yet, or when the kubeconfig cannot be used to ask it. */
export class KubernetesApiNotReadyError extends Error {
  override name = "KubernetesApiNotReadyError";
}

interface KubeconfigAccess {
  server: string;
  ca?: string;
  cert?: string;
  key?: string;
}

/** The API server and credentials of a kubeconfig's current context (Talos's has exactly one). */
export function kubeconfigAccess(kubeconfig: string): KubeconfigAccess {
  const config = parse(kubeconfig) as {
    "current-context"?: string;
    contexts?: Array<{ name: string; context: { cluster: string; user: string } }>;
    clusters?: Array<{ name: string; cluster: { server?: string; "certificate-authority-data"?: string } }>;
    users?: Array<{ name: string; user: { "client-certificate-data"?: string; "client-key-data"?: string } }>;
  } | null;
  const context = config?.contexts?.find((item) => item.name === config["current-context"]) ?? config?.contexts?.[0];
  const cluster = config?.clusters?.find((item) => item.name === context?.context.cluster) ?? config?.clusters?.[0];
  const user = config?.users?.find((item) => item.name === context?.context.user) ?? config?.users?.[0];
  if (!cluster?.cluster.server) throw new KubernetesApiNotReadyError("The kubeconfig names no API server");
  const decode = (value: string | undefined) => (value ? Buffer.from(value, "base64").toString("utf8") : undefined);
  const access: KubeconfigAccess = { server: cluster.cluster.server };
  const ca = decode(cluster.cluster["certificate-authority-data"]);
  const cert = decode(user?.user["client-certificate-data"]);
  const key = decode(user?.user["client-key-data"]);
  if (ca) access.ca = ca;
  if (cert) access.cert = cert;
  if (key) access.key = key;
  return access;
}

/** Asks the API server's `/readyz` once with the kubeconfig's credentials. */
function readyz(access: KubeconfigAccess, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const url = new URL("/readyz", access.server);
    const req = request(url, { method: "GET", ca: access.ca, cert: access.cert, key: access.key, timeout: timeoutMs }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        body += chunk;
      });
      response.on("end", () => {
        if (response.statusCode === 200) resolve();
        else reject(new KubernetesApiNotReadyError(`${url.href} answered HTTP ${response.statusCode}: ${body.slice(0, 200).trim()}`));
      });
    });
    req.on("timeout", () =>
      req.destroy(new KubernetesApiNotReadyError(`${url.href} did not answer within ${Math.round(timeoutMs / 1000)} s`)),
    );
    req.on("error", (error) =>
      reject(error instanceof KubernetesApiNotReadyError ? error : new KubernetesApiNotReadyError(`${url.href}: ${error.message}`)),
    );
    req.end();
  });
}

/**
 * Waits until the Kubernetes API of a freshly bootstrapped cluster answers `/readyz` with the admin
 * kubeconfig: etcd and the control plane start some minutes after the bootstrap, and everything that
 * uses the kubeconfig next would fail before.
 */
export async function waitForKubernetesApi(
  kubeconfig: string,
  options: { what: string; timeoutMs: number; intervalMs?: number },
): Promise<void> {
  const access = kubeconfigAccess(kubeconfig);
  await retryTalos(() => readyz(access, Math.min(options.timeoutMs, 10_000)), {
    what: `waiting for the Kubernetes API of ${options.what} at ${access.server}`,
    timeoutMs: options.timeoutMs,
    ...(options.intervalMs !== undefined ? { intervalMs: options.intervalMs } : {}),
    retryable: (error) => error instanceof KubernetesApiNotReadyError,
  });
}
