import { dnsRecordCapability } from "@highstate/common/capabilities";
import { implementCapability } from "@highstate/pulumi/capabilities";
import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import { cloudflareImplementationDataSchema } from "../shared/data.js";
import { apiTokenOf } from "./shared.js";

/**
 * `dns-record` for Cloudflare: one `DnsRecord` per value, through a provider holding the token as a
 * secret. TTL 1 means automatic; `proxied` applies to A, AAAA and CNAME records (TXT cannot be proxied).
 */
export default implementCapability(dnsRecordCapability, {
  data: cloudflareImplementationDataSchema,
  implement({ data, request, context }) {
    const zoneId = data.zoneIds[request.zone.toLowerCase()];
    if (!zoneId) {
      throw new Error(
        `Cloudflare has no zone "${request.zone}" in this DNS provider (zones: ${Object.keys(data.zoneIds).join(", ")})${context.instanceId ? `, asked by instance "${context.instanceId}"` : ""}`,
      );
    }
    const apiToken = apiTokenOf(request.credentials, {
      packageName: context.packageName,
      capability: dnsRecordCapability.name,
      instanceId: context.instanceId,
    });
    const provider = new cloudflare.Provider(
      `${context.name}-cloudflare`,
      { apiToken: pulumi.secret(apiToken) },
      { parent: context.parent },
    );
    const proxied = request.proxied && request.type !== "TXT";
    const resources = request.values.map(
      (value, index) =>
        new cloudflare.DnsRecord(
          request.values.length === 1 ? context.name : `${context.name}-${index}`,
          {
            zoneId,
            name: request.name,
            type: request.type,
            content: value,
            ttl: proxied ? 1 : (request.ttl ?? 1),
            proxied,
            ...(request.comment ? { comment: request.comment } : {}),
          },
          { parent: context.parent, provider, deleteBeforeReplace: true },
        ),
    );
    return { resources: [provider, ...resources] };
  },
});
