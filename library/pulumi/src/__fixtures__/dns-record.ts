import { defineDynamicResource, defineUnit, resourceName } from "../index.js";
import { dnsRecordComponent } from "./definitions.js";

interface RecordInputs {
  apiUrl: string;
  zoneId: string;
  name: string;
  ttl: number;
  content: string;
}

/**
 * A DNS record managed through a REST API. The provider methods use only globals (`fetch`) and their
 * arguments, so Pulumi can serialize them; the API token arrives as `credentials`.
 */
export const DnsRecord = defineDynamicResource<RecordInputs, { recordId: string; fqdn: string }, { apiToken: string }>({
  module: "test",
  type: "DnsRecord",
  provider: {
    async create(inputs, credentials) {
      const response = await fetch(`${inputs.apiUrl}/zones/${inputs.zoneId}/records`, {
        method: "POST",
        headers: { authorization: `Bearer ${credentials.apiToken}`, "content-type": "application/json" },
        body: JSON.stringify({ name: inputs.name, ttl: inputs.ttl, type: "TXT", content: inputs.content }),
      });
      if (!response.ok) throw new Error(`Creating record "${inputs.name}" failed: HTTP ${response.status}`);
      const body = (await response.json()) as { id: string; fqdn: string };
      return { id: body.id, outputs: { recordId: body.id, fqdn: body.fqdn } };
    },
    async delete(id, state, credentials) {
      const response = await fetch(`${state.inputs.apiUrl}/zones/${state.inputs.zoneId}/records/${id}`, {
        method: "DELETE",
        headers: { authorization: `Bearer ${credentials.apiToken}` },
      });
      if (!response.ok && response.status !== 404) throw new Error(`Deleting record "${id}" failed: HTTP ${response.status}`);
    },
    replaceOnChanges: ["zoneId", "name"],
  },
});

export default defineUnit(dnsRecordComponent, async (unit) => {
  const { args, inputs, secrets, getSecret } = unit;
  const verificationToken = getSecret("verificationToken", () => globalThis.crypto.randomUUID());
  const record = new DnsRecord(resourceName(unit), {
    inputs: {
      apiUrl: inputs.zone.apiUrl,
      zoneId: inputs.zone.zoneId,
      name: args.name,
      ttl: args.ttl,
      content: verificationToken,
    },
    credentials: { apiToken: secrets.apiToken },
  });
  return {
    record: { id: record.outputs.recordId, fqdn: record.outputs.fqdn, ttl: args.ttl },
    $statusFields: { fqdn: record.outputs.fqdn, verificationToken: { value: verificationToken, title: "Verification token" } },
    $triggers: [{ name: "cleanup", type: "before-destroy", title: "Remove verification record" }],
  };
});
