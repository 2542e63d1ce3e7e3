import { implementCapability } from "@highstate/pulumi/capabilities";
import * as pulumi from "@pulumi/pulumi";
import { dataSchema, dnsRecord } from "./interfaces.js";

class AcmeRecord extends pulumi.CustomResource {
  constructor(name, props, opts) {
    super("acme:dns:Record", name, props, opts);
  }
}

export default implementCapability(dnsRecord, {
  data: dataSchema,
  implement({ data, request, context }) {
    const zone = data.zones[request.zone];
    const records = request.values.map(
      (value, index) =>
        new AcmeRecord(
          `${context.name}-${index}`,
          { endpoint: data.endpoint, zone, name: request.name, type: request.type, value, token: pulumi.secret(request.credentials.token) },
          { parent: context.parent },
        ),
    );
    return { resources: records };
  },
});
