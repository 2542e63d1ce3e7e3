import type { Endpoint } from "@highstate/common";
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Cluster } from "../entities/cluster.js";
import type { Service } from "../entities/resources.js";

/**
 * Describes a Kubernetes Service as a `k8s.service.v1` entity value, with its cluster IP once the API
 * server assigned one (not for headless services). Its endpoints are the in-cluster DNS name for every
 * port (`internal`), and for `NodePort` services every cluster external IP with the node port, for
 * `LoadBalancer` services every load-balancer address (`public`).
 */
export function serviceEntity(service: k8s.core.v1.Service, cluster: pulumi.Input<Cluster>): pulumi.Output<Service> {
  return pulumi
    .all([pulumi.unsecret(pulumi.output(cluster)), service.metadata, service.spec, service.status])
    .apply(([clusterValue, metadata, spec, status]) => {
      const name = metadata.name;
      const namespace = metadata.namespace ?? "default";
      const type = (spec?.type ?? "ClusterIP") as Service["type"];
      const endpoints: Endpoint[] = [];
      for (const port of spec?.ports ?? []) {
        const protocol = (port.protocol ?? "TCP").toLowerCase() === "udp" ? "udp" : "tcp";
        const appProtocol = port.appProtocol ? { appProtocol: port.appProtocol } : {};
        endpoints.push({
          host: `${name}.${namespace}.svc.cluster.local`,
          port: port.port,
          protocol,
          visibility: "internal",
          ...appProtocol,
        });
        if (type === "NodePort" && port.nodePort) {
          for (const ip of clusterValue.externalIps)
            endpoints.push({ host: ip, port: port.nodePort, protocol, visibility: "public", ...appProtocol });
        }
        if (type === "LoadBalancer") {
          for (const ingress of status?.loadBalancer?.ingress ?? []) {
            const host = ingress.ip ?? ingress.hostname;
            if (host) endpoints.push({ host, port: port.port, protocol, visibility: "public", ...appProtocol });
          }
        }
      }
      const clusterIp = spec?.clusterIP && spec.clusterIP !== "None" ? { clusterIp: spec.clusterIP } : {};
      const selector = spec?.selector ?? {};
      return { clusterId: clusterValue.id, clusterName: clusterValue.name, name, namespace, type, ...clusterIp, selector, endpoints };
    });
}
