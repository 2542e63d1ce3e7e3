import { dnsRecordCapability } from "@highstate/common/capabilities";
import { implementCapability } from "@highstate/pulumi/capabilities";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";

/** A record of the fixture provider (a custom resource the mocks record). */
class FixtureRecord extends pulumi.CustomResource {
  constructor(name: string, props: Record<string, unknown>, opts: pulumi.CustomResourceOptions) {
    super("fixture:dns:Record", name, props, opts);
  }
}

/** A DNS provider that records one resource per value; the token must reach it as a secret input. */
export default implementCapability(dnsRecordCapability, {
  data: z.object({ zoneIds: z.record(z.string(), z.string().min(1)) }).strict(),
  implement({ data, request, context }) {
    const zoneId = data.zoneIds[request.zone];
    if (!zoneId) throw new Error(`no zone id for "${request.zone}"`);
    const resources = request.values.map(
      (value, index) =>
        new FixtureRecord(
          `${context.name}-${index}`,
          { zoneId, name: request.name, type: request.type, value, proxied: request.proxied, comment: request.comment, token: pulumi.secret(request.credentials.token ?? "") },
          { parent: context.parent },
        ),
    );
    return { resources };
  },
});
