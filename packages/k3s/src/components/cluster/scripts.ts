/**
 * The shell scripts the K3s Cluster unit runs on its nodes over SSH, and the `config.yaml` it writes.
 * Pure functions of plain values, so what runs on a server can be read and tested without Pulumi.
 * Secrets (the node token) never appear in a script: they reach the node on standard input.
 */
import { stringify } from "yaml";

/** Where k3s and its installer keep things on a node. */
export const k3sPaths = {
  configDir: "/etc/rancher/k3s",
  config: "/etc/rancher/k3s/config.yaml",
  kubeconfig: "/etc/rancher/k3s/k3s.yaml",
  nodeToken: "/var/lib/rancher/k3s/server/node-token",
  binary: "/usr/local/bin/k3s",
  serverUninstall: "/usr/local/bin/k3s-uninstall.sh",
  agentUninstall: "/usr/local/bin/k3s-agent-uninstall.sh",
} as const;

/** The port of the Kubernetes API on a k3s server. */
export const apiPort = 6443;

/** A k3s `config.yaml` value. */
export type ConfigValue = string | number | boolean | string[];

/** Quotes a value for a POSIX shell. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * Runs a script as root: directly when the SSH user is root, otherwise through `sudo -n` (so a
 * missing sudo rule fails at once instead of waiting for a password). Standard input reaches the script.
 */
export function asRoot(script: string): string {
  return [
    `if [ "$(id -u)" -eq 0 ]; then set --`,
    "elif command -v sudo >/dev/null 2>&1; then set -- sudo -n",
    `else echo "the SSH user $(id -un) is not root and sudo is not installed; log in as root or install sudo with a passwordless rule for this user" >&2; exit 1`,
    `fi; "$@" sh -ec ${shellQuote(script)}`,
  ].join("; ");
}

/** The URL of the install script of a k3s release (the script pinned to the same tag as the binary). */
export function defaultInstallScriptUrl(version: string): string {
  return `https://raw.githubusercontent.com/k3s-io/k3s/${encodeURIComponent(version)}/install.sh`;
}

/** Formats a host for a URL: IPv6 literals in brackets. */
export function urlHost(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}

/** The server's `config.yaml` content: the managed keys from args, then the extra entries. */
export function serverConfig(options: {
  tlsSans: string[];
  clusterCidr: string;
  serviceCidr: string;
  disable: string[];
  extra: Record<string, ConfigValue>;
}): Record<string, ConfigValue> {
  return {
    "write-kubeconfig-mode": "0600",
    "tls-san": [...new Set(options.tlsSans)],
    "cluster-cidr": options.clusterCidr,
    "service-cidr": options.serviceCidr,
    ...(options.disable.length > 0 ? { disable: [...options.disable] } : {}),
    ...options.extra,
  };
}

/** An agent's `config.yaml` content without the token (which is added on the way to the node). */
export function agentConfig(options: { serverHost: string; extra: Record<string, ConfigValue> }): Record<string, ConfigValue> {
  return { server: `https://${urlHost(options.serverHost)}:${apiPort}`, ...options.extra };
}

/** Renders a `config.yaml` as YAML text. */
export function renderConfig(config: Record<string, ConfigValue>): string {
  return stringify(config, { lineWidth: 0 });
}

/**
 * The install script of a node: it writes `config.yaml` from standard input (mode 0600, replaced
 * atomically), downloads the install script of the pinned release and runs it with
 * `INSTALL_K3S_VERSION` and `INSTALL_K3S_EXEC`. Re-running it with another version upgrades in place.
 */
export function installScript(options: { role: "server" | "agent"; version: string; installScriptUrl: string }): string {
  const url = shellQuote(options.installScriptUrl);
  return [
    `mkdir -p ${k3sPaths.configDir}`,
    `(umask 077; cat > ${k3sPaths.config}.new)`,
    `mv ${k3sPaths.config}.new ${k3sPaths.config}`,
    "installer=$(mktemp)",
    `trap 'rm -f "$installer"' EXIT`,
    "if command -v curl >/dev/null 2>&1; then",
    `  curl -fsSL --retry 3 -o "$installer" ${url} || { echo "could not download the k3s install script from "${url} >&2; exit 1; }`,
    "elif command -v wget >/dev/null 2>&1; then",
    `  wget -q -O "$installer" ${url} || { echo "could not download the k3s install script from "${url} >&2; exit 1; }`,
    "else",
    '  echo "neither curl nor wget is installed on this server; install one of them" >&2; exit 1',
    "fi",
    // The version is checked against the release pattern, so it needs no quoting.
    `INSTALL_K3S_VERSION=${options.version} INSTALL_K3S_EXEC=${options.role} sh "$installer"`,
  ].join("\n");
}

/** The uninstall script of a node: the uninstaller k3s's installer left, when it is there. */
export function uninstallScript(role: "server" | "agent"): string {
  const script = role === "server" ? k3sPaths.serverUninstall : k3sPaths.agentUninstall;
  return `if [ -x ${script} ]; then ${script}; else echo "${script} is not there; nothing to uninstall"; fi`;
}

/** Waits until `path` exists and is not empty, then prints it. */
export function readWhenPresentScript(path: string, timeoutSeconds: number): string {
  return [
    "i=0",
    `while [ ! -s ${path} ]; do`,
    "  i=$((i + 1))",
    `  if [ "$i" -gt ${Math.ceil(timeoutSeconds / 2)} ]; then echo "${path} did not appear within ${timeoutSeconds} seconds; is k3s running? see journalctl -u k3s" >&2; exit 1; fi`,
    "  sleep 2",
    "done",
    `cat ${path}`,
  ].join("\n");
}

/**
 * Waits until every named node is Ready, then prints the `kube-system` namespace uid on the first
 * line and one `<node> <kubelet version>` line per node.
 */
export function readyScript(nodeNames: string[], timeoutSeconds: number): string {
  const k3s = k3sPaths.binary;
  const nodes = nodeNames.map((name) => `node/${name}`).join(" ");
  return [
    `deadline=$(( $(date +%s) + ${timeoutSeconds} ))`,
    `until ${k3s} kubectl wait --for=condition=Ready ${nodes} --timeout=10s >/dev/null 2>&1; do`,
    '  if [ "$(date +%s)" -ge "$deadline" ]; then',
    `    echo "the nodes ${nodeNames.join(", ")} were not all Ready within ${timeoutSeconds} seconds:" >&2`,
    `    ${k3s} kubectl get nodes >&2 || true`,
    "    exit 1",
    "  fi",
    "  sleep 3",
    "done",
    `${k3s} kubectl get namespace kube-system -o jsonpath='{.metadata.uid}'`,
    "echo",
    `${k3s} kubectl get nodes -o jsonpath='{range .items[*]}{.metadata.name}{" "}{.status.nodeInfo.kubeletVersion}{"\\n"}{end}'`,
  ].join("\n");
}

/** What {@link readyScript} printed. */
export interface ReadyReport {
  /** The uid of `kube-system`, the cluster's id. */
  clusterId: string;
  /** The nodes with their kubelet versions, sorted by name. */
  nodes: { name: string; version: string }[];
}

/** Parses what {@link readyScript} printed. */
export function parseReadyReport(stdout: string): ReadyReport {
  const [first = "", ...rest] = stdout.split("\n");
  const clusterId = first.trim();
  if (!clusterId) throw new Error(`The k3s server did not print the kube-system uid; it printed: ${JSON.stringify(stdout.slice(0, 200))}`);
  const nodes = rest
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .map((line) => {
      const [name = "", version = ""] = line.split(/\s+/);
      return { name, version };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
  return { clusterId, nodes };
}

/** The Kubernetes node name k3s gives a machine: its host name, lower-cased. */
export function nodeName(hostname: string): string {
  return hostname.toLowerCase();
}
