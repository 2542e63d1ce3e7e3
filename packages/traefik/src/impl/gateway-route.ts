import { gatewayRouteCapability } from "@highstate/k8s/capabilities";
import { managedByLabels } from "@highstate/k8s/helpers";
import { implementCapability } from "@highstate/pulumi/capabilities";
import * as k8s from "@pulumi/kubernetes";
import { traefikGatewayDataSchema } from "../shared/data.js";

/**
 * `gateway-route` for Traefik: a Gateway of Traefik's class in the Service's namespace with one HTTP
 * listener per host name and, with a certificate, one HTTPS listener per host name terminating TLS
 * with it; an HTTPRoute to the Service; and, with TLS, an HTTPRoute redirecting HTTP to HTTPS.
 */
export default implementCapability(gatewayRouteCapability, {
  data: traefikGatewayDataSchema,
  implement({ data, request, context }) {
    const opts = { parent: context.parent, provider: request.provider };
    const metadata = (name: string) => ({ name, namespace: request.namespace, labels: { ...managedByLabels } });
    const listeners = request.hostnames.flatMap((hostname, index) => [
      { name: `http-${index}`, port: data.httpPort, protocol: "HTTP", hostname },
      ...(request.tls
        ? [
            {
              name: `https-${index}`,
              port: data.httpsPort,
              protocol: "HTTPS",
              hostname,
              tls: { mode: "Terminate", certificateRefs: [{ kind: "Secret", name: request.tls.secretName }] },
            },
          ]
        : []),
    ]);
    const gateway = new k8s.apiextensions.CustomResource(
      `${context.name}-gateway`,
      {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "Gateway",
        metadata: metadata(request.name),
        spec: { gatewayClassName: data.className, listeners },
      },
      opts,
    );
    const sections = (prefix: string) => request.hostnames.map((_, index) => ({ name: request.name, sectionName: `${prefix}-${index}` }));
    const route = new k8s.apiextensions.CustomResource(
      context.name,
      {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "HTTPRoute",
        metadata: metadata(request.name),
        spec: {
          parentRefs: sections(request.tls ? "https" : "http"),
          hostnames: request.hostnames,
          rules: [
            {
              matches: [{ path: { type: "PathPrefix", value: request.path } }],
              backendRefs: [{ name: request.backend.name, port: request.backend.port }],
            },
          ],
        },
      },
      { ...opts, dependsOn: [gateway] },
    );
    const resources = [gateway, route];
    if (request.tls) {
      resources.push(
        new k8s.apiextensions.CustomResource(
          `${context.name}-redirect`,
          {
            apiVersion: "gateway.networking.k8s.io/v1",
            kind: "HTTPRoute",
            metadata: metadata(`${request.name}-redirect`.slice(0, 63).replace(/-+$/, "")),
            spec: {
              parentRefs: sections("http"),
              hostnames: request.hostnames,
              rules: [{ filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] }],
            },
          },
          { ...opts, dependsOn: [gateway] },
        ),
      );
    }
    const scheme = request.tls ? "https" : "http";
    return { urls: request.hostnames.map((hostname) => `${scheme}://${hostname}${request.path}`), resources };
  },
});
