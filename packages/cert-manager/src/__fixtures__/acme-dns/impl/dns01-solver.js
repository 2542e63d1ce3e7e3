import { implementCapability } from "@highstate/pulumi/capabilities";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { dataSchema, dns01Solver } from "./interfaces.js";

export default implementCapability(dns01Solver, {
  data: dataSchema,
  implement({ data, request, context }) {
    const secret = new k8s.core.v1.Secret(
      `${context.name}-acme`,
      { metadata: { name: request.secretName, namespace: request.namespace }, stringData: { token: pulumi.secret(request.credentials.token) } },
      { parent: context.parent, provider: request.provider },
    );
    const webhook = { groupName: "acme.example.com", solverName: "acme-dns", config: { endpoint: data.endpoint, tokenSecretRef: { name: request.secretName, key: "token" } } };
    return { dns01: { webhook }, resources: [secret] };
  },
});
