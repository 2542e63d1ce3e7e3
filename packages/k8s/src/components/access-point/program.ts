import { defineUnit } from "@highstate/pulumi";
import * as pulumi from "@pulumi/pulumi";
import { accessPoint } from "./definition.js";

/** Two zones served by different issuers (or providers) are fine; one zone served twice is ambiguous. */
function duplicateZones(kind: string, owners: Array<{ zones: string[]; label: string }>): string[] {
  const seen = new Map<string, string>();
  const problems: string[] = [];
  for (const owner of owners) {
    for (const zone of owner.zones) {
      const key = zone.toLowerCase().replace(/\.$/, "");
      const first = seen.get(key);
      if (first !== undefined && first !== owner.label)
        problems.push(`zone "${key}" is served by two ${kind} (${first} and ${owner.label})`);
      else seen.set(key, owner.label);
    }
  }
  return problems;
}

/**
 * Bundles the gateway, TLS issuers and DNS providers into one `k8s.access-point.v1`. It creates no
 * resources; it checks that the issuers run in the gateway's cluster (a certificate is issued where
 * the route terminates TLS) and that no zone has two issuers or two DNS providers.
 */
export default defineUnit(accessPoint, (unit) => {
  const { args, inputs } = unit;
  const value = pulumi
    .all([inputs.gateway, pulumi.all(inputs.tlsIssuers), pulumi.all(inputs.dnsProviders)])
    .apply(([gateway, tlsIssuers, dnsProviders]) => {
      const problems: string[] = [];
      for (const issuer of tlsIssuers) {
        if (issuer.clusterId !== gateway.clusterId) {
          problems.push(
            `TLS issuer "${issuer.issuerRef.name}" is in cluster "${issuer.clusterId}", but the gateway is in cluster "${gateway.clusterName}" (${gateway.clusterId})`,
          );
        }
      }
      problems.push(
        ...duplicateZones(
          "TLS issuers",
          tlsIssuers.map((issuer) => ({ zones: issuer.zones, label: `"${issuer.issuerRef.name}"` })),
        ),
      );
      problems.push(
        ...duplicateZones(
          "DNS providers",
          dnsProviders.map((provider) => ({ zones: provider.zones, label: `"${provider.id}"` })),
        ),
      );
      if (problems.length > 0) throw new Error(`Access point "${unit.instance.id}" cannot be built: ${problems.join("; ")}`);
      return { gateway, tlsIssuers, dnsProviders, proxied: args.proxied };
    });
  // Zones and whether TLS is on are not secret, even though the DNS providers' credentials are.
  const zones = pulumi
    .unsecret(value)
    .apply((point) =>
      [...new Set([...point.tlsIssuers.flatMap((issuer) => issuer.zones), ...point.dnsProviders.flatMap((provider) => provider.zones)])]
        .sort()
        .join(", "),
    );
  return {
    accessPoint: value,
    $statusFields: {
      zones: { value: zones.apply((text) => text || "none"), title: "Zones" },
      tls: {
        value: pulumi
          .unsecret(value)
          .apply((point) => (point.tlsIssuers.length > 0 ? "issued by cert-manager" : "none: apps are published over plain HTTP")),
        title: "TLS",
      },
    },
  };
});
