import type { Service } from "@highstate/k8s";
import type { Identity, Peer } from "../../entities.js";
import { formatSubnet, hostSubnet, ipFamily, parseInterfaceAddress, parseSubnet } from "../../shared/subnets.js";

/** A NetworkPolicy egress or ingress rule, in the Kubernetes API shape. */
export interface PolicyRule {
  to?: Array<Record<string, unknown>>;
  from?: Array<Record<string, unknown>>;
  ports?: Array<{ port?: number; protocol: "UDP" | "TCP" }>;
}

/** What the node's NetworkPolicy allows. */
export interface NodePolicySpec {
  identity: Identity;
  peers: readonly Peer[];
  services: readonly Service[];
  exposed: boolean;
  allowClusterPods: boolean;
}

function ipBlock(cidr: string): Record<string, unknown> {
  return { ipBlock: { cidr } };
}

/**
 * The ingress and egress rules of a node: WireGuard's UDP port from anywhere when exposed; egress to
 * cluster DNS, to each peer's endpoint (its address when it is an IP literal, otherwise the port
 * anywhere, since a policy cannot name hosts), to the subnets routed to the node (its Allowed IPs
 * without its own addresses: everything for an exit node), to the pods behind the connected services,
 * and optionally to every pod.
 */
export function nodePolicyRules(spec: NodePolicySpec): { ingress: PolicyRule[]; egress: PolicyRule[] } {
  const own = spec.identity.peer;
  const ingress: PolicyRule[] = spec.exposed ? [{ ports: [{ port: own.listenPort, protocol: "UDP" }] }] : [];
  const egress: PolicyRule[] = [
    {
      to: [
        {
          namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
          podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
        },
      ],
      ports: [
        { port: 53, protocol: "UDP" },
        { port: 53, protocol: "TCP" },
      ],
    },
  ];
  const ipv6 = spec.identity.network?.ipv6 ?? false;
  for (const peer of spec.peers) {
    for (const endpoint of peer.endpoints) {
      const family = ipFamily(endpoint.host);
      const to =
        family === 4
          ? [ipBlock(`${endpoint.host}/32`)]
          : family === 6
            ? [ipBlock(`${endpoint.host}/128`)]
            : [ipBlock("0.0.0.0/0"), ...(ipv6 ? [ipBlock("::/0")] : [])];
      egress.push({ to, ports: [{ port: endpoint.port, protocol: "UDP" }] });
    }
  }
  // The node's own tunnel addresses are local to the pod; broader blocks stay whole (an exit node reaches everything).
  const ownAddresses = new Set(
    own.addresses.map((text) => {
      const address = parseInterfaceAddress(text, `the addresses of "${own.name}"`);
      return formatSubnet(hostSubnet(address.family, address.address));
    }),
  );
  const behind = own.allowedIps
    .map((text) => formatSubnet(parseSubnet(text, `the Allowed IPs of "${own.name}"`)))
    .filter((subnet) => !ownAddresses.has(subnet));
  if (behind.length > 0) egress.push({ to: behind.map(ipBlock) });
  for (const service of spec.services) {
    if (Object.keys(service.selector).length === 0) continue;
    egress.push({
      to: [
        {
          namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": service.namespace } },
          podSelector: { matchLabels: service.selector },
        },
      ],
    });
  }
  if (spec.allowClusterPods) egress.push({ to: [{ namespaceSelector: {} }] });
  return { ingress, egress };
}
