import { defineEntity, z } from "@highstate/contract";
import { implementationReferenceSchema } from "./impl-ref.js";

/**
 * A DNS provider account able to manage records in some zones. Provider packages (Cloudflare, …)
 * output it; consumers create records by importing `<implRef.package>/impl/dns-record`.
 *
 * Credentials travel apart from everything else, in `credentials`: consumers that only need to know
 * which zones are served (for example to pick a provider for a domain) read `zones` and should pass
 * the value on with {@link withoutDnsCredentials} when the next consumer does not create records.
 */
export const dnsProviderSchema = z
  .object({
    /** A stable id of the provider account, for example `cloudflare:<account id>`; used to deduplicate providers. */
    id: z.string().min(1),
    /** The DNS zones (domains) this provider manages, for example `example.com`. */
    zones: z.array(z.hostname()).min(1),
    /** The package implementing the `dns-record` and `dns01-solver` capabilities, with non-secret data. */
    implRef: implementationReferenceSchema,
    /** Secret credentials the implementation needs (for example an API token), by name. Empty when stripped. */
    credentials: z.record(z.string(), z.string()).meta({ secret: true }).default({}),
  })
  .strict();
export type DnsProvider = z.output<typeof dnsProviderSchema>;
export type DnsProviderInput = z.input<typeof dnsProviderSchema>;

/** Returns a copy of a DNS provider without its credentials, for consumers that only read zones. */
export function withoutDnsCredentials(provider: DnsProvider): DnsProvider {
  return { ...provider, credentials: {} };
}

/** Picks the provider serving a domain: the one with the longest zone that is the domain or a parent of it. */
export function findDnsProviderForDomain(
  providers: readonly DnsProvider[],
  domain: string,
): { provider: DnsProvider; zone: string } | undefined {
  const name = domain.toLowerCase().replace(/\.$/, "");
  let best: { provider: DnsProvider; zone: string } | undefined;
  for (const provider of providers) {
    for (const zone of provider.zones) {
      const z = zone.toLowerCase().replace(/\.$/, "");
      if ((name === z || name.endsWith(`.${z}`)) && (!best || z.length > best.zone.length)) best = { provider, zone: z };
    }
  }
  return best;
}

/** A DNS provider account (Cloudflare, …) able to create records in its zones. */
export const dnsProviderEntity = defineEntity({
  type: "common.dns-provider.v1",
  schema: dnsProviderSchema,
  meta: { title: "DNS Provider", color: "#f38020", icon: "mdi:dns" },
});
