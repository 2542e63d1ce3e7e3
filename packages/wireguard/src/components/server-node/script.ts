import type { Backend } from "../../entities.js";
import { WireGuardConfigError } from "../../shared/errors.js";

/** Where `wg-quick` and `awg-quick` read their configs, and their systemd template units. */
export const backendLayout: Record<Backend, { configDirectory: string; service: string; install: string }> = {
  wireguard: {
    configDirectory: "/etc/wireguard",
    service: "wg-quick",
    install: "install wireguard-tools (apt-get install wireguard-tools, dnf install wireguard-tools)",
  },
  amneziawg: {
    configDirectory: "/etc/amnezia/amneziawg",
    service: "awg-quick",
    install:
      "install AmneziaWG (amneziawg-tools and the amneziawg kernel module, see https://github.com/amnezia-vpn/amneziawg-linux-kernel-module)",
  },
};

/** What the server scripts do. */
export interface ServerScriptSpec {
  backend: Backend;
  interfaceName: string;
  /** The `wg-quick` config text (secret: it only travels on the script's standard input). */
  config?: string;
  /** Enable IP forwarding with a sysctl file. */
  gateway: boolean;
  ipv6: boolean;
  /** Overrides the config folder (tests). */
  configDirectory?: string;
  /** Overrides the sysctl folder (tests). */
  sysctlDirectory?: string;
}

const delimiter = "HIGHSTATE_WIREGUARD_CONFIG_END";

/**
 * The script piped to `sh -s` on the server: check that the systemd template unit exists (failing with
 * an install hint otherwise), write the config with mode 0600 atomically, enable forwarding for a
 * gateway, then enable `wg-quick@<interface>` and restart it so a changed config takes effect.
 */
export function serverApplyScript(spec: ServerScriptSpec): string {
  const layout = backendLayout[spec.backend];
  const directory = spec.configDirectory ?? layout.configDirectory;
  const sysctlDirectory = spec.sysctlDirectory ?? "/etc/sysctl.d";
  const unit = `${layout.service}@${spec.interfaceName}`;
  if (spec.config === undefined) throw new TypeError("serverApplyScript needs the config text");
  if (spec.config.split("\n").includes(delimiter))
    throw new WireGuardConfigError(`The config of "${spec.interfaceName}" contains the line "${delimiter}", which ends the here-document.`);
  const sysctlFile = `${sysctlDirectory}/90-highstate-${spec.interfaceName}.conf`;
  return [
    "set -eu",
    `if ! systemctl cat ${layout.service}@.service >/dev/null 2>&1; then`,
    `  echo "systemd has no ${layout.service}@.service on $(hostname): ${layout.install}, then run the instance again." >&2`,
    "  exit 3",
    "fi",
    "umask 077",
    `mkdir -p ${directory}`,
    `cat > ${directory}/.${spec.interfaceName}.conf.new <<'${delimiter}'`,
    spec.config.replace(/\n$/, ""),
    delimiter,
    `chmod 600 ${directory}/.${spec.interfaceName}.conf.new`,
    `mv ${directory}/.${spec.interfaceName}.conf.new ${directory}/${spec.interfaceName}.conf`,
    ...(spec.gateway
      ? [
          `mkdir -p ${sysctlDirectory}`,
          `printf '%s\\n' 'net.ipv4.ip_forward = 1'${spec.ipv6 ? " 'net.ipv6.conf.all.forwarding = 1'" : ""} > ${sysctlFile}`,
          `sysctl -p ${sysctlFile} >/dev/null`,
        ]
      : [`rm -f ${sysctlFile}`]),
    `systemctl enable ${unit} >/dev/null 2>&1 || systemctl enable ${unit}`,
    `systemctl restart ${unit}`,
    `systemctl is-active ${unit}`,
  ].join("\n");
}

/**
 * The command run when the instance is destroyed: stop and disable the service and remove its files.
 * It covers both backends, so it is known before the identity is.
 */
export function serverRemoveCommand(interfaceName: string, sysctlDirectory = "/etc/sysctl.d"): string {
  const units = Object.values(backendLayout).map((layout) => `${layout.service}@${interfaceName}`);
  const files = [
    ...Object.values(backendLayout).map((layout) => `${layout.configDirectory}/${interfaceName}.conf`),
    `${sysctlDirectory}/90-highstate-${interfaceName}.conf`,
  ];
  return `systemctl disable --now ${units.join(" ")} 2>/dev/null || true; rm -f ${files.join(" ")}`;
}
