import { type DnsProvider, type Endpoint, findDnsProviderForDomain } from "@highstate/common";
import { dnsRecordCapability } from "@highstate/common/capabilities";
import { callCapability } from "@highstate/pulumi/capabilities";
import * as pulumi from "@pulumi/pulumi";

/** Thrown when a server's `fqdn` cannot get a DNS record from the connected providers. */
export class DatabaseDnsError extends Error {
  override name = "DatabaseDnsError";
}

const ipv4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/**
 * Creates the A/AAAA records of a server's `fqdn` with the connected DNS provider serving its zone
 * (its `dns-record` capability), pointing at the server's public addresses. Resolves to the records
 * made (`A 203.0.113.7`), or nothing when no provider is connected.
 *
 * @throws DatabaseDnsError when no provider serves the name's zone or the server has no public IP address.
 */
export function createDatabaseDnsRecords(
  name: string,
  args: {
    fqdn?: string;
    providers: pulumi.Output<DnsProvider>[];
    endpoints: pulumi.Output<Endpoint[]>;
    instanceId: string;
    parent?: pulumi.Resource;
  },
): pulumi.Output<string[]> {
  const { fqdn, instanceId } = args;
  if (!fqdn || args.providers.length === 0) return pulumi.output([]);
  // The providers carry credentials, so they are secret; the records made are not.
  const records = pulumi.all([pulumi.all(args.providers), args.endpoints]).apply(async ([providers, endpoints]) => {
    const match = findDnsProviderForDomain(providers, fqdn);
    if (!match) {
      const zones = providers.flatMap((provider) => provider.zones).join(", ");
      throw new DatabaseDnsError(
        `"${instanceId}": "${fqdn}" is in none of the zones of the connected DNS providers (${zones}): change "fqdn" or connect a provider for its zone`,
      );
    }
    const addresses = [
      ...new Set(
        endpoints.filter((endpoint) => endpoint.visibility === "public" && endpoint.host !== fqdn).map((endpoint) => endpoint.host),
      ),
    ];
    const sets = [
      { type: "A" as const, values: addresses.filter((host) => ipv4.test(host)) },
      { type: "AAAA" as const, values: addresses.filter((host) => host.includes(":")) },
    ].filter((set) => set.values.length > 0);
    if (sets.length === 0) {
      throw new DatabaseDnsError(
        `"${instanceId}": a DNS record for "${fqdn}" needs a public IP address of the server: set "external" (and give the cluster its externalIps)`,
      );
    }
    const made: string[] = [];
    for (const set of sets) {
      await callCapability(
        dnsRecordCapability,
        match.provider.implRef,
        {
          name: fqdn,
          zone: match.zone,
          type: set.type,
          values: set.values,
          credentials: match.provider.credentials,
          comment: `Managed by Highstate [${instanceId}]`.slice(0, 100),
        },
        { name: `${name}-dns-${set.type.toLowerCase()}`, instanceId, ...(args.parent ? { parent: args.parent } : {}) },
      );
      made.push(...set.values.map((value) => `${set.type} ${value}`));
    }
    return made;
  });
  return pulumi.unsecret(records);
}
