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

/** A DNS provider for the database tests: one recorded resource per value. */
export default implementCapability(dnsRecordCapability, {
  data: z.object({}).strict(),
  implement({ request, context }) {
    const resources = request.values.map(
      (value, index) =>
        new FixtureRecord(
          `${context.name}-${index}`,
          { zone: request.zone, name: request.name, type: request.type, value, comment: request.comment, token: pulumi.secret(request.credentials.token ?? "") },
          { parent: context.parent },
        ),
    );
    return { resources };
  },
});
