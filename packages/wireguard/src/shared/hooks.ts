import { formatSubnet, parseSubnet } from "./subnets.js";

/** What a gateway node does with traffic from its peers. */
export interface GatewayHooksSpec {
  /** Masquerade traffic from peers leaving through another interface, so replies find their way back without routes to the tunnel. */
  masquerade: boolean;
  /** Subnets peers must not reach through the node. */
  forwardRestrictedSubnets?: readonly string[];
  /** Whether IPv6 rules are written too (the network carries IPv6). */
  ipv6: boolean;
  /** Names the values in errors. */
  where: string;
}

/**
 * The `PostUp`/`PreDown` commands of a gateway node (`%i` is the interface, which `wg-quick`
 * substitutes): accept forwarding from and to the tunnel, drop restricted subnets first, and
 * masquerade. `PreDown` removes exactly what `PostUp` added, in reverse order.
 */
export function gatewayHooks(spec: GatewayHooksSpec): { postUp: string[]; preDown: string[] } {
  const families = spec.ipv6 ? (["iptables", "ip6tables"] as const) : (["iptables"] as const);
  const rules: Array<{ tool: string; table?: string; chain: string; rule: string; first?: boolean }> = [];
  for (const tool of families) {
    rules.push({ tool, chain: "FORWARD", rule: "-i %i -j ACCEPT" }, { tool, chain: "FORWARD", rule: "-o %i -j ACCEPT" });
    if (spec.masquerade) rules.push({ tool, table: "nat", chain: "POSTROUTING", rule: "! -o %i -j MASQUERADE" });
  }
  for (const text of spec.forwardRestrictedSubnets ?? []) {
    const subnet = parseSubnet(text, `the forward-restricted subnets of ${spec.where}`);
    if (subnet.family === 6 && !spec.ipv6) continue;
    rules.push({
      tool: subnet.family === 4 ? "iptables" : "ip6tables",
      chain: "FORWARD",
      rule: `-i %i -d ${formatSubnet(subnet)} -j DROP`,
      first: true,
    });
  }
  const table = (rule: { table?: string }) => (rule.table ? `-t ${rule.table} ` : "");
  return {
    postUp: rules.map((rule) => `${rule.tool} ${table(rule)}${rule.first ? "-I" : "-A"} ${rule.chain} ${rule.rule}`),
    preDown: [...rules].reverse().map((rule) => `${rule.tool} ${table(rule)}-D ${rule.chain} ${rule.rule}`),
  };
}
