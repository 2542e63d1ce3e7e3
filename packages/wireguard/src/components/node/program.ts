import { createHash } from "node:crypto";
import type { Endpoint } from "@highstate/common";
import {
  appLabels,
  createClusterProvider,
  createNamespace,
  createSecret,
  kubernetesName,
  selectorLabels,
  serviceEntity,
} from "@highstate/k8s/helpers";
import { defineUnit, resourceName } from "@highstate/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Peer } from "../../entities.js";
import { generateConfig } from "../../shared/config.js";
import { WireGuardConfigError } from "../../shared/errors.js";
import { gatewayHooks } from "../../shared/hooks.js";
import { node } from "./definition.js";
import { nodePolicyRules } from "./policy.js";
import { backendTools, configMountPath, defaultImages, nodeScript } from "./script.js";

/**
 * Runs the identity in the cluster: a namespace labelled for privileged pods, the `wg-quick` config
 * in a Secret, a Deployment (one pod, privileged for `wg-quick`) that brings the interface up, a UDP
 * Service when exposed, and a NetworkPolicy for the allowed destinations. Outputs the identity's peer
 * with the Service's endpoints.
 */
export default defineUnit(node, (unit) => {
  const { args, inputs } = unit;
  const appName = kubernetesName(args.appName ?? `wg-${unit.name}`);
  const provider = createClusterProvider(resourceName(unit), inputs.k8sCluster);
  const namespace = createNamespace(resourceName(unit), { name: appName, podSecurity: "privileged" }, { provider });
  const labels = appLabels("wireguard", appName);
  const selector = selectorLabels("wireguard", appName);
  const child = { provider, dependsOn: [namespace] };

  const peers = pulumi.all(inputs.peers);
  const services = pulumi.all(inputs.k8sServices);
  const plain = pulumi.unsecret(
    inputs.identity.apply((identity) => ({
      peer: identity.peer,
      backend: identity.network?.backend ?? "wireguard",
      ipv6: identity.network?.ipv6 ?? false,
    })),
  );
  const configText = pulumi.all([inputs.identity, peers]).apply(([identity, peerValues]) => {
    const hooks = gatewayHooks({
      masquerade: true,
      forwardRestrictedSubnets: args.forwardRestrictedSubnets,
      ipv6: identity.network?.ipv6 ?? false,
      where: `node "${unit.name}"`,
    });
    return generateConfig(identity, peerValues, { listen: true, mtu: args.mtu, ...hooks });
  });
  const image = plain.apply(({ backend }) => {
    const chosen = args.image ?? defaultImages[backend];
    if (!chosen) {
      throw new WireGuardConfigError(
        `The node "${unit.name}" runs an ${backend} identity but has no image: set the "image" arg to an image with ${backendTools(backend).quick} and iproute2.`,
      );
    }
    return chosen;
  });

  const secretName = `${appName}-config`;
  const secret = createSecret(
    resourceName(unit, "config"),
    { name: secretName, namespace: appName, data: { [`${args.interfaceName}.conf`]: configText }, labels },
    child,
  );
  // Pods restart when the config changes; the digest reveals nothing of the key.
  const configDigest = pulumi.unsecret(configText.apply((text) => createHash("sha256").update(text).digest("hex")));

  new k8s.apps.v1.Deployment(
    resourceName(unit),
    {
      metadata: { name: appName, namespace: appName, labels },
      spec: {
        replicas: 1,
        // Two pods with one key would steal each other's sessions.
        strategy: { type: "Recreate" },
        selector: { matchLabels: selector },
        template: {
          metadata: { labels, annotations: { "highstate.io/config-sha256": configDigest } },
          spec: {
            containers: [
              {
                name: "wireguard",
                image,
                command: ["/bin/sh", "-c", plain.apply(({ backend, ipv6 }) => nodeScript(backend, args.interfaceName, ipv6))],
                ports: [{ name: "wireguard", containerPort: plain.apply(({ peer }) => peer.listenPort), protocol: "UDP" }],
                securityContext: { privileged: true, capabilities: { add: ["NET_ADMIN"] } },
                volumeMounts: [{ name: "config", mountPath: configMountPath, readOnly: true }],
                readinessProbe: {
                  exec: { command: plain.apply(({ backend }) => [backendTools(backend).wg, "show", args.interfaceName]) },
                  periodSeconds: 10,
                },
                resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { memory: "128Mi" } },
              },
            ],
            volumes: [{ name: "config", secret: { secretName, defaultMode: 0o400 } }],
          },
        },
      },
    },
    { ...child, dependsOn: [namespace, secret] },
  );

  let serviceEndpoints: pulumi.Output<Endpoint[]> = pulumi.output([]);
  if (args.expose) {
    const type = args.external ? pulumi.unsecret(inputs.k8sCluster.apply((cluster) => cluster.quirks.externalServiceType)) : "ClusterIP";
    const service = new k8s.core.v1.Service(
      resourceName(unit),
      {
        metadata: { name: appName, namespace: appName, labels },
        spec: {
          type,
          selector,
          ports: [{ name: "wireguard", port: plain.apply(({ peer }) => peer.listenPort), targetPort: "wireguard", protocol: "UDP" }],
        },
      },
      child,
    );
    // Public endpoints first: they work from anywhere, the in-cluster name only inside the cluster.
    serviceEndpoints = serviceEntity(service, inputs.k8sCluster).apply((value) =>
      [...value.endpoints].sort((a, b) => Number(a.visibility === "internal") - Number(b.visibility === "internal")),
    );
  }

  const rules = pulumi.all([inputs.identity, peers, services]).apply(([identity, peerValues, serviceValues]) =>
    nodePolicyRules({
      identity,
      peers: peerValues,
      services: serviceValues,
      exposed: args.expose,
      allowClusterPods: args.allowClusterPods,
    }),
  );
  new k8s.networking.v1.NetworkPolicy(
    resourceName(unit),
    {
      metadata: { name: appName, namespace: appName, labels },
      spec: {
        podSelector: { matchLabels: selector },
        policyTypes: ["Ingress", "Egress"],
        ingress: pulumi.unsecret(rules.apply((value) => value.ingress)),
        egress: pulumi.unsecret(rules.apply((value) => value.egress)),
      },
    },
    child,
  );

  const peer = pulumi.all([plain, serviceEndpoints]).apply(([{ peer: own }, extra]): Peer => {
    const endpoints = [...own.endpoints, ...extra.filter((endpoint) => endpoint.protocol === "udp")];
    return {
      ...own,
      endpoints: endpoints.filter(
        (endpoint, index) => endpoints.findIndex((other) => other.host === endpoint.host && other.port === endpoint.port) === index,
      ),
    };
  });
  return {
    peer,
    $statusFields: {
      endpoints: {
        value: peer.apply((value) => value.endpoints.map((endpoint) => `${endpoint.host}:${endpoint.port}`).join(", ") || "none"),
        title: "Endpoints",
      },
    },
  };
});
