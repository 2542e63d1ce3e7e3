import { createClusterProvider, createHelmChart, createNamespace, serviceEntity } from "@highstate/k8s/helpers";
import { defineUnit, resourceName } from "@highstate/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { entryPointPorts, traefikChart } from "../../shared/data.js";
import { gateway } from "./definition.js";

/** The Helm values of the chart for the component's args (chart 38). */
export function traefikValues(args: {
  className: string;
  serviceType: string;
  replicas: number;
  gatewayApi: boolean;
}): Record<string, unknown> {
  return {
    deployment: { replicas: args.replicas },
    service: { type: args.serviceType },
    globalArguments: ["--global.checknewversion=false", "--global.sendanonymoususage=false"],
    ports: { web: { port: entryPointPorts.http }, websecure: { port: entryPointPorts.https } },
    providers: {
      kubernetesCRD: { enabled: true },
      kubernetesIngress: { enabled: true },
      kubernetesGateway: { enabled: args.gatewayApi },
    },
    // Routes bring their own Gateways (one per published app), so the chart's default one is off.
    gateway: { enabled: false },
    gatewayClass: { enabled: args.gatewayApi, name: args.className },
    ingressClass: { enabled: true, isDefaultClass: false, name: args.className },
  };
}

/**
 * Installs Traefik from its pinned chart into its own namespace and outputs a `k8s.gateway.v1` whose
 * `implRef` points at `@highstate/traefik` (routes are created by `./impl/gateway-route`) and the
 * Service. The gateway's endpoints are the `endpoints` arg, or the Service's addresses.
 */
export default defineUnit(gateway, (unit) => {
  const { args, inputs } = unit;
  const provider = createClusterProvider(resourceName(unit), inputs.k8sCluster);
  const namespace = createNamespace(resourceName(unit), { name: args.appName }, { provider });
  const chart = createHelmChart(
    resourceName(unit),
    {
      ...traefikChart,
      namespace: namespace.metadata.name,
      releaseName: args.appName,
      values: traefikValues(args),
      skipCrds: !args.installCrds,
    },
    { provider, dependsOn: [namespace] },
  );
  // The chart names its Service after the release; read it back for its addresses.
  const service = k8s.core.v1.Service.get(resourceName(unit, "service"), pulumi.interpolate`${namespace.metadata.name}/${args.appName}`, {
    provider,
    dependsOn: [chart],
  });
  const serviceValue = serviceEntity(service, inputs.k8sCluster);
  const endpoints = pulumi.all([serviceValue, service.spec]).apply(([value, spec]) => {
    if (args.endpoints.length > 0) return args.endpoints;
    const public_ = [...new Set(value.endpoints.filter((endpoint) => endpoint.visibility === "public").map((endpoint) => endpoint.host))];
    if (public_.length > 0) return public_;
    return spec?.clusterIP && spec.clusterIP !== "None" ? [spec.clusterIP] : [];
  });
  const cluster = pulumi.unsecret(pulumi.output(inputs.k8sCluster));
  return {
    gateway: {
      clusterId: cluster.id,
      clusterName: cluster.name,
      implRef: {
        package: "@highstate/traefik",
        data: { className: args.className, httpPort: entryPointPorts.http, httpsPort: entryPointPorts.https },
      },
      endpoints,
    },
    service: serviceValue,
    $statusFields: {
      address: { value: endpoints.apply((list) => list.join(", ") || "pending"), title: "Address" },
      className: { value: args.className, title: "Gateway class" },
    },
  };
});
