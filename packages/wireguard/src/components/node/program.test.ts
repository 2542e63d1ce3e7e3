import { validateKubernetesResources } from "@highstate/k8s/test";
import type { Unit } from "@highstate/pulumi";
import { runError, type TestUnitOptions, testUnit } from "@highstate/pulumi/test";
import { beforeAll, describe, expect, it } from "vitest";
import { peerSchema } from "../../entities.js";
import { identity, network } from "../../shared/__fixtures__/peers.js";
import { generateConfig } from "../../shared/config.js";
import { gatewayHooks } from "../../shared/hooks.js";
import type { node } from "./definition.js";
import { nodeScript } from "./script.js";

let unit: Unit<typeof node>;

beforeAll(async () => {
  unit = (await import("./program.js")).default;
});

const cluster = {
  id: "cluster-uid",
  name: "prod",
  apiEndpoint: { host: "10.0.0.1", port: 6443 },
  kubeconfig: "apiVersion: v1\nkind: Config\n",
  externalIps: ["203.0.113.5"],
};
const gateway = identity("alpha", { addresses: ["10.8.0.1/24"], allowedIps: ["10.8.0.1/32", "10.43.0.0/16"], listenPort: 51820 });
const laptop = identity("bravo", {
  addresses: ["10.8.0.2/24"],
  allowedIps: ["10.8.0.2/32"],
  endpoints: [{ host: "198.51.100.9", port: 51820, protocol: "udp" }],
});
const database = {
  clusterId: "cluster-uid",
  clusterName: "prod",
  name: "postgres",
  namespace: "db",
  type: "ClusterIP" as const,
  selector: { app: "postgres" },
  endpoints: [],
};

/** The API server assigns a node port to NodePort services. */
const mocks: TestUnitOptions<typeof node>["mocks"] = {
  newResource: (args) => {
    if (args.type !== "kubernetes:core/v1:Service") return undefined;
    const inputs = args.inputs as { spec: { type: string; ports: Array<Record<string, unknown>> } };
    return {
      id: args.name,
      state: {
        ...inputs,
        spec: {
          ...inputs.spec,
          ports: inputs.spec.ports.map((port) => ({ ...port, nodePort: inputs.spec.type === "NodePort" ? 31820 : undefined })),
        },
      },
    };
  },
};

describe("WireGuard Node", () => {
  it("creates a privileged namespace, the config Secret, a Deployment, a UDP Service and a NetworkPolicy, all valid Kubernetes objects", async () => {
    const result = await testUnit(unit, {
      name: "gateway",
      secretInputs: { identity: gateway, k8sCluster: cluster },
      inputs: { peers: [laptop.peer], k8sServices: [database] },
      args: { external: true, mtu: 1380, forwardRestrictedSubnets: ["10.43.0.1/32"] },
      mocks,
    });
    const report = await validateKubernetesResources(result.resources);
    expect(report.validated.sort()).toEqual([
      "kubernetes:apps/v1:Deployment gateway",
      "kubernetes:core/v1:Namespace gateway",
      "kubernetes:core/v1:Secret gateway-config",
      "kubernetes:core/v1:Service gateway",
      "kubernetes:networking.k8s.io/v1:NetworkPolicy gateway",
    ]);

    const namespace = result.resource("kubernetes:core/v1:Namespace");
    expect(namespace.inputs.metadata).toMatchObject({ name: "wg-gateway", labels: { "pod-security.kubernetes.io/enforce": "privileged" } });

    const secret = result.resource("kubernetes:core/v1:Secret");
    expect(secret.secretInputs).toContain("stringData");
    const hooks = gatewayHooks({ masquerade: true, forwardRestrictedSubnets: ["10.43.0.1/32"], ipv6: false, where: "x" });
    expect((secret.inputs.stringData as Record<string, string>)["wg0.conf"]).toBe(
      generateConfig(gateway, [laptop.peer], { listen: true, mtu: 1380, ...hooks }),
    );
    expect(hooks.postUp).toEqual([
      "iptables -A FORWARD -i %i -j ACCEPT",
      "iptables -A FORWARD -o %i -j ACCEPT",
      "iptables -t nat -A POSTROUTING ! -o %i -j MASQUERADE",
      "iptables -I FORWARD -i %i -d 10.43.0.1/32 -j DROP",
    ]);
    expect(hooks.preDown[0]).toBe("iptables -D FORWARD -i %i -d 10.43.0.1/32 -j DROP");

    const deployment = result.resource("kubernetes:apps/v1:Deployment");
    const pod = (
      deployment.inputs as {
        spec: { strategy: unknown; template: { spec: { containers: Array<Record<string, unknown>>; volumes: unknown } } };
      }
    ).spec;
    expect(pod.strategy).toEqual({ type: "Recreate" });
    const container = pod.template.spec.containers[0]!;
    expect(container.image).toBe("docker.io/linuxserver/wireguard:1.0.20210914");
    expect(container.command).toEqual(["/bin/sh", "-c", nodeScript("wireguard", "wg0", false)]);
    expect(container.ports).toEqual([{ name: "wireguard", containerPort: 51820, protocol: "UDP" }]);
    expect(container.securityContext).toEqual({ privileged: true, capabilities: { add: ["NET_ADMIN"] } });
    expect(pod.template.spec.volumes).toEqual([{ name: "config", secret: { secretName: "wg-gateway-config", defaultMode: 0o400 } }]);
    expect(JSON.stringify(deployment.inputs)).not.toContain(gateway.privateKey);

    const service = result.resource("kubernetes:core/v1:Service");
    expect(service.inputs.spec).toMatchObject({
      type: "NodePort",
      ports: [{ name: "wireguard", port: 51820, targetPort: "wireguard", protocol: "UDP" }],
    });

    const policy = result.resource("kubernetes:networking.k8s.io/v1:NetworkPolicy").inputs.spec as {
      ingress: unknown;
      egress: Array<{ to?: unknown[]; ports?: unknown }>;
    };
    expect(policy.ingress).toEqual([{ ports: [{ port: 51820, protocol: "UDP" }] }]);
    expect(policy.egress.slice(1)).toEqual([
      { to: [{ ipBlock: { cidr: "198.51.100.9/32" } }], ports: [{ port: 51820, protocol: "UDP" }] },
      { to: [{ ipBlock: { cidr: "10.43.0.0/16" } }] },
      {
        to: [
          {
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "db" } },
            podSelector: { matchLabels: { app: "postgres" } },
          },
        ],
      },
    ]);

    const peer = peerSchema.parse(result.outputs.peer);
    expect(peer.publicKey).toBe(gateway.peer.publicKey);
    expect(peer.endpoints).toEqual([
      { host: "203.0.113.5", port: 31820, protocol: "udp", visibility: "public" },
      { host: "wg-gateway.wg-gateway.svc.cluster.local", port: 51820, protocol: "udp", visibility: "internal" },
    ]);
    expect(result.secretOutputs).not.toContain("peer");
  });

  it("without exposure: no Service, no ingress; an exit node may reach everything; allowClusterPods opens pods", async () => {
    const exit = identity("alpha", { addresses: ["10.8.0.1/24"], allowedIps: ["0.0.0.0/0"], exitNode: true }, network({ ipv6: true }));
    const result = await testUnit(unit, {
      secretInputs: { identity: exit, k8sCluster: cluster },
      args: { expose: false, allowClusterPods: true },
      mocks,
    });
    expect(result.resources.filter((resource) => resource.type === "kubernetes:core/v1:Service")).toEqual([]);
    const policy = result.resource("kubernetes:networking.k8s.io/v1:NetworkPolicy").inputs.spec as { ingress: unknown; egress: unknown[] };
    expect(policy.ingress).toEqual([]);
    expect(policy.egress.slice(1)).toEqual([{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }, { to: [{ namespaceSelector: {} }] }]);
    const container = (
      result.resource("kubernetes:apps/v1:Deployment").inputs as {
        spec: { template: { spec: { containers: Array<{ command: string[] }> } } };
      }
    ).spec.template.spec.containers[0]!;
    expect(container.command[2]).toContain("sysctl -w net.ipv6.conf.all.forwarding=1");
    expect(peerSchema.parse(result.outputs.peer).endpoints).toEqual([]);
    await validateKubernetesResources(result.resources);
  });

  it("needs an image for AmneziaWG and uses awg-quick with it", async () => {
    const net = network({ backend: "amneziawg", amnezia: { jc: 3 } });
    const awg = identity("alpha", { addresses: ["10.8.0.1/24"] }, net);
    const error = await runError(testUnit(unit, { name: "obfs", secretInputs: { identity: awg, k8sCluster: cluster }, mocks }));
    expect(error.message).toMatch(/The node "obfs" runs an amneziawg identity but has no image: set the "image" arg/);
    const result = await testUnit(unit, {
      secretInputs: { identity: awg, k8sCluster: cluster },
      args: { image: "registry.example.com/awg:1.0" },
      mocks,
    });
    const container = (
      result.resource("kubernetes:apps/v1:Deployment").inputs as {
        spec: { template: { spec: { containers: Array<{ command: string[]; readinessProbe: unknown }> } } };
      }
    ).spec.template.spec.containers[0]!;
    expect(container.command[2]).toContain("awg-quick up /etc/highstate-wireguard/wg0.conf");
    expect(container.readinessProbe).toMatchObject({ exec: { command: ["awg", "show", "wg0"] } });
    expect((result.resource("kubernetes:core/v1:Secret").inputs.stringData as Record<string, string>)["wg0.conf"]).toMatch(/^Jc = 3$/m);
  });
});
