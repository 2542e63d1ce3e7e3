import type { Backend } from "../../entities.js";

/** Where the node's config Secret is mounted in the pod. */
export const configMountPath = "/etc/highstate-wireguard";

/** The container images with `wg-quick`, by backend. AmneziaWG has no default: the user names an image with `awg-quick`. */
export const defaultImages: Partial<Record<Backend, string>> = {
  wireguard: "docker.io/linuxserver/wireguard:1.0.20210914",
};

/** `wg-quick` or `awg-quick`, and `wg` or `awg`, for a backend. */
export function backendTools(backend: Backend): { quick: string; wg: string } {
  return backend === "amneziawg" ? { quick: "awg-quick", wg: "awg" } : { quick: "wg-quick", wg: "wg" };
}

/**
 * The container's shell script: enable forwarding, bring the interface up with `wg-quick up` from the
 * mounted config, wait, and bring it down again when the pod is stopped (SIGTERM).
 */
export function nodeScript(backend: Backend, interfaceName: string, ipv6: boolean): string {
  const { quick } = backendTools(backend);
  const config = `${configMountPath}/${interfaceName}.conf`;
  return [
    "set -eu",
    "sysctl -w net.ipv4.ip_forward=1 >/dev/null",
    ...(ipv6 ? ["sysctl -w net.ipv6.conf.all.forwarding=1 >/dev/null"] : []),
    `stop() { ${quick} down ${config} || true; exit 0; }`,
    "trap stop TERM INT",
    `${quick} up ${config}`,
    "while :; do sleep 3600 & wait $!; done",
  ].join("\n");
}
