import { gatewayRouteCapability } from "@highstate/k8s/capabilities";
import { implementCapability } from "@highstate/pulumi/capabilities";
import * as k8s from "@pulumi/kubernetes";
import { z } from "zod";

/** A minimal gateway for the apps' tests: one HTTPRoute attached to a shared Gateway named in the data. */
export default implementCapability(gatewayRouteCapability, {
  data: z.object({ gatewayName: z.string().min(1), gatewayNamespace: z.string().min(1) }).strict(),
  implement({ data, request, context }) {
    const route = new k8s.apiextensions.CustomResource(
      context.name,
      {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "HTTPRoute",
        metadata: { name: request.name, namespace: request.namespace },
        spec: {
          parentRefs: [{ name: data.gatewayName, namespace: data.gatewayNamespace, sectionName: request.tls ? "https" : "http" }],
          hostnames: request.hostnames,
          rules: [{ matches: [{ path: { type: "PathPrefix", value: request.path } }], backendRefs: [{ name: request.backend.name, port: request.backend.port }] }],
        },
      },
      { parent: context.parent, provider: request.provider },
    );
    const scheme = request.tls ? "https" : "http";
    return { urls: request.hostnames.map((host) => `${scheme}://${host}${request.path}`), resources: [route] };
  },
});
