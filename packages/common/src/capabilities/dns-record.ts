import { z } from "@highstate/contract";
import { defineCapability } from "@highstate/pulumi/capabilities";
import * as pulumi from "@pulumi/pulumi";

/** A Pulumi resource an implementation created, so consumers can depend on it. */
export const pulumiResourceSchema = z.custom<pulumi.Resource>((value) => pulumi.Resource.isInstance(value), "must be a Pulumi resource");

const ipv4 = z.ipv4();
const ipv6 = z.ipv6();
const hostname = z.hostname();

/** A request of the `dns-record` capability: one record set (a name, a type and its values) in a zone. */
export const dnsRecordRequestSchema = z
  .object({
    /** The fully qualified name of the record, for example `vault.example.com`; the zone apex is allowed. */
    name: z.hostname(),
    /** The zone (one of the provider entity's `zones`) the name belongs to. */
    zone: z.hostname(),
    /** The record type. */
    type: z.enum(["A", "AAAA", "CNAME", "TXT"]),
    /** The record values: IPv4 addresses for `A`, IPv6 for `AAAA`, exactly one host name for `CNAME`, any text for `TXT`. */
    values: z.array(z.string().min(1)).min(1),
    /** The time to live in seconds; left out, the provider's automatic or default TTL. */
    ttl: z.number().int().min(1).max(604_800).optional(),
    /** Whether the provider should proxy traffic for the name when it can (Cloudflare's orange cloud); ignored by providers that cannot. */
    proxied: z.boolean().default(false),
    /** The provider entity's secret `credentials`, passed as they are. */
    credentials: z.record(z.string(), z.string()).default({}),
    /** A note stored with the record where the provider supports one, for example which instance manages it. */
    comment: z.string().max(100).optional(),
  })
  .strict()
  .superRefine((request, context) => {
    const name = request.name.toLowerCase().replace(/\.$/, "");
    const zone = request.zone.toLowerCase().replace(/\.$/, "");
    if (name !== zone && !name.endsWith(`.${zone}`))
      context.addIssue({ code: "custom", path: ["name"], message: `must be "${zone}" or a name under it` });
    if (request.type === "CNAME" && request.values.length !== 1)
      context.addIssue({ code: "custom", path: ["values"], message: "a CNAME record has exactly one value" });
    const check = { A: ipv4, AAAA: ipv6, CNAME: hostname, TXT: undefined }[request.type];
    request.values.forEach((value, index) => {
      if (check && !check.safeParse(value).success) {
        context.addIssue({
          code: "custom",
          path: ["values", index],
          message: `must be ${{ A: "an IPv4 address", AAAA: "an IPv6 address", CNAME: "a host name", TXT: "" }[request.type]}`,
        });
      }
    });
  });
export type DnsRecordRequest = z.output<typeof dnsRecordRequestSchema>;

/** The result of the `dns-record` capability. */
export const dnsRecordResultSchema = z
  .object({
    /** The resources that make up the record set (one per value, for example). */
    resources: z.array(pulumiResourceSchema),
  })
  .strict();
export type DnsRecordResult = z.output<typeof dnsRecordResultSchema>;

/**
 * `dns-record`: creates a DNS record set in a zone of a `common.dns-provider.v1`. Implemented by the
 * package named in the provider's `implRef` (`@highstate/cloudflare/impl/dns-record`), which receives
 * the provider's `implRef.data`. Deleting the resources deletes the records.
 */
export const dnsRecordCapability = defineCapability({
  name: "dns-record",
  description: "Creates a DNS record set (A, AAAA, CNAME or TXT) in a zone of a DNS provider.",
  request: dnsRecordRequestSchema,
  result: dnsRecordResultSchema,
});
