import { InvalidKubeconfigError, parseKubeconfig, selectKubeconfigContext } from "@highstate/k8s/kubeconfig";
import { stringify } from "yaml";
import { apiPort, urlHost } from "./scripts.js";

/**
 * Turns the kubeconfig k3s writes on its server (`/etc/rancher/k3s/k3s.yaml`, which points at
 * `https://127.0.0.1:6443` and names everything `default`) into one usable from elsewhere: the
 * document is parsed, every cluster's `server` is set to the server's address and the cluster, user
 * and context are renamed after the cluster, so it merges cleanly with other kubeconfigs.
 *
 * @throws InvalidKubeconfigError when k3s's kubeconfig is not a kubeconfig with one context.
 */
export function rewriteK3sKubeconfig(text: string, options: { host: string; name: string; source: string }): string {
  const config = parseKubeconfig(text, options.source);
  const contexts = config.contexts!;
  if (contexts.length !== 1) throw new InvalidKubeconfigError(options.source, `it has ${contexts.length} contexts; k3s writes exactly one`);
  const server = `https://${urlHost(options.host)}:${apiPort}`;
  const [context] = contexts;
  const cluster = config.clusters!.find((entry) => entry.name === context!.context.cluster);
  const user = config.users!.find((entry) => entry.name === context!.context.user);
  if (!cluster)
    throw new InvalidKubeconfigError(options.source, `its context uses cluster "${context!.context.cluster}", which is not in "clusters"`);
  const rewritten = {
    ...config,
    clusters: [{ ...cluster, name: options.name, cluster: { ...cluster.cluster, server } }],
    users: user ? [{ ...user, name: options.name }] : [],
    contexts: [
      { ...context!, name: options.name, context: { ...context!.context, cluster: options.name, ...(user ? { user: options.name } : {}) } },
    ],
    "current-context": options.name,
  };
  // The result goes through the same reader every consumer of the cluster uses, so it is known to be usable.
  return selectKubeconfigContext(stringify(rewritten, { lineWidth: 0 }), undefined, options.source).kubeconfig;
}
