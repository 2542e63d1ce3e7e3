import { randomUUID } from "node:crypto";
import { chmod, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { k3sKubeconfig } from "./k3s.js";

/**
 * A stand-in for k3s's `install.sh`, served from a `file://` URL, for test machines that are sshd
 * servers in their own mount and UTS namespaces (so `/etc`, `/var/lib` and `/usr/local/bin` are
 * private overlays and `hostname` is the machine's name). What it does mirrors the real installer
 * closely enough to test the unit's commands:
 *
 * - it logs `<node> install INSTALL_K3S_VERSION=… INSTALL_K3S_EXEC=…` to `commands.log`;
 * - it copies the node's `config.yaml` (and its mode) to `configs/` for the test to read;
 * - a server writes a node token (kept across re-installs, as k3s keeps it), `k3s.yaml` pointing at
 *   127.0.0.1 and `k3s-uninstall.sh`; an agent refuses a token other than the server's, and writes
 *   `k3s-agent-uninstall.sh`;
 * - it installs a fake `k3s` whose `kubectl wait/get` answer from the shared `nodes/` folder;
 * - the node registers itself in `nodes/` with its version, as a joined, Ready node.
 */
export interface FakeK3s {
  /** The shared folder every machine sees (under /tmp, which is not overlaid). */
  dir: string;
  /** The `file://` URL of the fake install script. */
  installScriptUrl: string;
  /** The kube-system uid the fake cluster reports. */
  clusterId: string;
}

export async function createFakeK3s(dir: string): Promise<FakeK3s> {
  const clusterId = randomUUID();
  await mkdir(join(dir, "nodes"), { recursive: true });
  await mkdir(join(dir, "configs"), { recursive: true });
  await writeFile(join(dir, "commands.log"), "");
  await writeFile(join(dir, "uid"), clusterId);
  await writeFile(join(dir, "k3s.yaml"), k3sKubeconfig);
  const script = (lines: string[]) => `#!/bin/sh\nshared=${dir}\n${lines.join("\n")}\n`;
  await writeFile(
    join(dir, "k3s"),
    script([
      'echo "$(hostname) k3s $*" >> "$shared/commands.log"',
      'case "$1 $2" in',
      '"kubectl wait")',
      "  shift 2",
      '  for arg in "$@"; do',
      '    case "$arg" in node/*) [ -f "$shared/nodes/${arg#node/}" ] || { echo "nodes \\"${arg#node/}\\" not found" >&2; exit 1; } ;; esac',
      "  done ;;",
      '"kubectl get")',
      '  case "$3" in',
      '  namespace) printf "%s" "$(cat "$shared/uid")" ;;',
      '  nodes) if [ "${4:-}" = "-o" ]; then for f in "$shared"/nodes/*; do printf "%s %s\\n" "$(basename "$f")" "$(cat "$f")"; done; else ls "$shared/nodes"; fi ;;',
      "  esac ;;",
      '*) echo "the fake k3s cannot $*" >&2; exit 2 ;;',
      "esac",
    ]),
    { mode: 0o755 },
  );
  const uninstall = (role: string, self: string) =>
    script([
      'node=$(hostname)',
      `echo "$node uninstall ${role}" >> "$shared/commands.log"`,
      `rm -rf /var/lib/rancher/k3s /etc/rancher/k3s /usr/local/bin/k3s "$shared/nodes/$node" ${self}`,
    ]);
  await writeFile(join(dir, "k3s-uninstall.sh"), uninstall("server", "/usr/local/bin/k3s-uninstall.sh"), { mode: 0o755 });
  await writeFile(join(dir, "k3s-agent-uninstall.sh"), uninstall("agent", "/usr/local/bin/k3s-agent-uninstall.sh"), { mode: 0o755 });
  const installer = join(dir, "install.sh");
  await writeFile(
    installer,
    script([
      "set -eu",
      'node=$(hostname)',
      'echo "$node install INSTALL_K3S_VERSION=$INSTALL_K3S_VERSION INSTALL_K3S_EXEC=$INSTALL_K3S_EXEC" >> "$shared/commands.log"',
      'cp /etc/rancher/k3s/config.yaml "$shared/configs/$node.yaml"',
      'stat -c %a /etc/rancher/k3s/config.yaml > "$shared/configs/$node.mode"',
      "mkdir -p /usr/local/bin",
      'cp "$shared/k3s" /usr/local/bin/k3s',
      'case "$INSTALL_K3S_EXEC" in',
      "server)",
      "  mkdir -p /var/lib/rancher/k3s/server",
      '  [ -s /var/lib/rancher/k3s/server/node-token ] || echo "K10cafe::server:$(od -An -N16 -tx1 /dev/urandom | tr -d " \\n")" > /var/lib/rancher/k3s/server/node-token',
      '  cp /var/lib/rancher/k3s/server/node-token "$shared/token"',
      '  (umask 077; cp "$shared/k3s.yaml" /etc/rancher/k3s/k3s.yaml)',
      '  cp "$shared/k3s-uninstall.sh" /usr/local/bin/k3s-uninstall.sh ;;',
      "agent)",
      `  token=$(sed -n 's/^token: *//p' /etc/rancher/k3s/config.yaml | tr -d "\\"'")`,
      '  [ "$token" = "$(cat "$shared/token")" ] || { echo "the server refused the node token" >&2; exit 1; }',
      '  cp "$shared/k3s-agent-uninstall.sh" /usr/local/bin/k3s-agent-uninstall.sh ;;',
      "esac",
      'echo "$INSTALL_K3S_VERSION" > "$shared/nodes/$node"',
    ]),
    { mode: 0o755 },
  );
  await chmod(dir, 0o755);
  return { dir, installScriptUrl: `file://${installer}`, clusterId };
}

/**
 * The wrapper that starts a test sshd as its own machine: private mount and UTS namespaces, the host
 * name set, and `/etc`, `/var/lib` and `/usr/local/bin` overlaid by folders under `root`, so what the
 * unit installs never touches the real system.
 */
export async function machineWrapper(root: string, hostname: string): Promise<string[]> {
  const mounts: string[] = [];
  for (const [index, target] of ["/etc", "/var/lib", "/usr/local/bin"].entries()) {
    const upper = join(root, `${index}-upper`);
    const work = join(root, `${index}-work`);
    await mkdir(upper, { recursive: true });
    await mkdir(work, { recursive: true });
    mounts.push(`mount -t overlay overlay -o lowerdir=${target},upperdir=${upper},workdir=${work} ${target}`);
  }
  // Touching the account files copies them up, so the machine keeps the accounts it started with even
  // when other tests add or remove users on the host meanwhile (a changed lower file may not be seen).
  const freeze = "touch /etc/passwd /etc/shadow /etc/group";
  return ["unshare", "--mount", "--uts", "--propagation", "private", "--", "sh", "-ec", `hostname "$0"; ${mounts.join("; ")}; ${freeze}; exec "$@"`, hostname];
}
