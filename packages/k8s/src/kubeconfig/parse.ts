import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { z } from "zod";
import { InvalidKubeconfigError, NoSuchKubeconfigContextError } from "./errors.js";

const namedCluster = z.object({
  name: z.string().min(1),
  cluster: z.looseObject({ server: z.string().min(1) }),
});
const namedUser = z.object({ name: z.string().min(1), user: z.looseObject({}).nullable().default({}) });
const namedContext = z.object({
  name: z.string().min(1),
  context: z.looseObject({ cluster: z.string().min(1), user: z.string().default(""), namespace: z.string().optional() }),
});

/** The parts of a kubeconfig Highstate reads; other fields are kept as they are. */
const kubeconfigSchema = z.looseObject({
  clusters: z.array(namedCluster).nullable().default([]),
  users: z.array(namedUser).nullable().default([]),
  contexts: z.array(namedContext).nullable().default([]),
  "current-context": z.string().optional(),
});
export type Kubeconfig = z.output<typeof kubeconfigSchema>;

/** The fields that name files on the machine where the kubeconfig was written; they do not travel. */
const fileFields = ["certificate-authority", "client-certificate", "client-key", "tokenFile"] as const;

/** One context of a kubeconfig, resolved, with a self-contained kubeconfig holding only it. */
export interface KubeconfigContext {
  /** The context name. */
  context: string;
  /** The cluster name the context uses. */
  cluster: string;
  /** The user name the context uses. */
  user: string;
  /** The context's default namespace, if it sets one. */
  namespace?: string;
  /** The API server URL, for example `https://10.0.0.1:6443`. */
  server: string;
  /** The API server host (name or IP, without brackets). */
  host: string;
  /** The API server port (443 when the URL has none and uses https). */
  port: number;
  /** A kubeconfig (YAML) with only this context, its cluster and its user; the context is current. */
  kubeconfig: string;
}

/**
 * Parses a kubeconfig given as YAML or JSON text (as `kubectl config view --raw` prints either).
 *
 * @throws InvalidKubeconfigError naming the problem when the text is not a kubeconfig.
 */
export function parseKubeconfig(text: string, source = "the kubeconfig"): Kubeconfig {
  if (typeof text !== "string" || text.trim() === "")
    throw new InvalidKubeconfigError(source, "it is empty; paste the output of `kubectl config view --raw`");
  let document: unknown;
  try {
    document = parseYaml(text, { prettyErrors: false });
  } catch (error) {
    throw new InvalidKubeconfigError(source, `it is neither YAML nor JSON (${(error as Error).message.split("\n")[0]})`, { cause: error });
  }
  if (typeof document !== "object" || document === null || Array.isArray(document)) {
    throw new InvalidKubeconfigError(source, "it is not a YAML or JSON object with clusters, users and contexts");
  }
  const result = kubeconfigSchema.safeParse(document);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new InvalidKubeconfigError(source, `"${issue.path.join(".")}" ${issue.message.toLowerCase()}`, { cause: result.error });
  }
  const config = result.data;
  if (config.contexts!.length === 0) throw new InvalidKubeconfigError(source, "it has no contexts");
  return config;
}

function parseServer(server: string, source: string): { host: string; port: number } {
  let url: URL;
  try {
    url = new URL(server);
  } catch (error) {
    throw new InvalidKubeconfigError(source, `the cluster server "${server}" is not a URL such as https://10.0.0.1:6443`, { cause: error });
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new InvalidKubeconfigError(source, `the cluster server "${server}" must be an https:// URL`);
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  return { host, port: url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80 };
}

/**
 * Picks one context of a kubeconfig (the `current-context` when `context` is not given, or the only
 * context when there is no current one) and returns it with a self-contained kubeconfig holding only
 * that context, its cluster and its user, so credentials of other clusters never travel further.
 *
 * @throws NoSuchKubeconfigContextError listing the available contexts when the context is missing.
 * @throws InvalidKubeconfigError when the kubeconfig is malformed, refers to a missing cluster or user,
 *   or refers to files on disk (which do not travel with the kubeconfig).
 */
export function selectKubeconfigContext(text: string, context?: string, source = "the kubeconfig"): KubeconfigContext {
  const config = parseKubeconfig(text, source);
  const contexts = config.contexts!;
  const names = contexts.map((entry) => entry.name);
  let name = context ?? config["current-context"];
  if (!name) {
    if (contexts.length !== 1) {
      throw new InvalidKubeconfigError(
        source,
        `it has no current-context; set the "context" arg to one of ${names.map((n) => `"${n}"`).join(", ")}`,
      );
    }
    name = contexts[0]!.name;
  }
  const selected = contexts.find((entry) => entry.name === name);
  if (!selected) throw new NoSuchKubeconfigContextError(source, name, names);
  const cluster = config.clusters!.find((entry) => entry.name === selected.context.cluster);
  if (!cluster)
    throw new InvalidKubeconfigError(source, `context "${name}" uses cluster "${selected.context.cluster}", which is not in "clusters"`);
  const user = selected.context.user ? config.users!.find((entry) => entry.name === selected.context.user) : undefined;
  if (selected.context.user && !user)
    throw new InvalidKubeconfigError(source, `context "${name}" uses user "${selected.context.user}", which is not in "users"`);
  for (const [kind, entry] of [
    ["cluster", cluster.cluster],
    ["user", user?.user ?? {}],
  ] as const) {
    for (const field of fileFields) {
      if (typeof (entry as Record<string, unknown>)[field] === "string") {
        throw new InvalidKubeconfigError(
          source,
          `the ${kind} of context "${name}" reads "${field}" from a file; embed the files with \`kubectl config view --raw --flatten --minify --context ${name}\``,
        );
      }
    }
  }
  const { host, port } = parseServer(cluster.cluster.server, source);
  const minimal = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [cluster],
    users: user ? [user] : [],
    contexts: [selected],
    "current-context": name,
    preferences: {},
  };
  return {
    context: name,
    cluster: cluster.name,
    user: selected.context.user,
    ...(selected.context.namespace ? { namespace: selected.context.namespace } : {}),
    server: cluster.cluster.server,
    host,
    port,
    kubeconfig: stringifyYaml(minimal, { lineWidth: 0 }),
  };
}
