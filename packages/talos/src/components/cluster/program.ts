import { isIP } from "node:net";
import type { Server } from "@highstate/common";
import { createHelmChart } from "@highstate/k8s/helpers";
import { defineUnit, resourceName } from "@highstate/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
  applyConfigPatches,
  type ConfigPatch,
  endpointHost,
  generateMachineConfig,
  type MachineType,
  parseConfigPatch,
  renderMachineConfig,
  validateMachineConfig,
} from "../../config/index.js";
import {
  bundleCertificate,
  generateSecretsBundle,
  issueAdminCertificate,
  parseSecretsBundle,
  renderTalosconfig,
  renewalPeriodStart,
} from "../../pki/index.js";
import { ClusterBootstrap, ClusterKubeconfig, MachineConfiguration } from "../../resources/resources.js";
import { ciliumChart, ciliumValues } from "./cilium.js";
import { talosCluster } from "./definition.js";
import { createLocalPathProvisioner, localPathKubeletMount } from "./local-path.js";

/** Thrown when the cluster's args or inputs cannot make a cluster; the message names the field. */
export class TalosClusterConfigError extends Error {
  override name = "TalosClusterConfigError";
}

/** `https://host:port` for an endpoint arg given as a host, `host:port` or URL. */
export function kubernetesEndpoint(value: string, what: string): string {
  const trimmed = value.trim();
  const url = /^https?:\/\//.test(trimmed)
    ? trimmed
    : `https://${trimmed.includes(":") && !trimmed.startsWith("[") && (trimmed.match(/:/g) ?? []).length > 1 ? `[${trimmed}]` : trimmed}`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TalosClusterConfigError(`${what} "${value}" is not a host or https URL: give e.g. 10.0.0.10 or https://k8s.example.com:6443`);
  }
  if (parsed.protocol !== "https:")
    throw new TalosClusterConfigError(`${what} "${value}" must use https: the Kubernetes API is served over TLS`);
  // URL drops a port equal to the scheme's default (443), so read an explicit one from the text.
  const explicitPort = /^https:\/\/(?:\[[^\]]+\]|[^/:]+):(\d+)/.exec(url)?.[1];
  return `https://${parsed.hostname}:${parsed.port || explicitPort || "6443"}`;
}

/** The installer image for a Talos version, refusing one whose tag is another version. */
export function installerImage(talosVersion: string, override: string | undefined): string {
  if (!override) return `ghcr.io/siderolabs/installer:${talosVersion}`;
  const tag = /:([^:/@]+)(@sha256:[0-9a-f]+)?$/.exec(override)?.[1];
  if (tag !== talosVersion) {
    throw new TalosClusterConfigError(
      `Arg "installerImage" "${override}" must be tagged with the cluster's Talos version "${talosVersion}" (arg "talosVersion"): one Talos version is used everywhere`,
    );
  }
  return override;
}

const addressOf = (server: Server) => server.endpoints[0] as string;

/**
 * Generates the cluster secrets once, renders and validates a machine config per node, applies them
 * over the Talos API (masters first, workers after the bootstrap), bootstraps etcd on the first master,
 * fetches the admin kubeconfig, installs Cilium and local-path-provisioner, and outputs the Kubernetes
 * and Talos clusters with a talosctl/kubectl terminal.
 */
export default defineUnit(talosCluster, (unit) => {
  const { args, inputs } = unit;
  if (inputs.masters.length === 0)
    throw new TalosClusterConfigError(`Instance "${unit.name}" needs at least one server in input "masters"`);
  const clusterName = args.clusterName ?? unit.name;
  const image = installerImage(args.talosVersion, args.installerImage);
  const patches: Record<"shared" | "master" | "worker", ConfigPatch | undefined> = {
    shared: args.sharedConfigPatch ? parseConfigPatch(args.sharedConfigPatch, `arg "sharedConfigPatch" of "${unit.name}"`) : undefined,
    master: args.masterConfigPatch ? parseConfigPatch(args.masterConfigPatch, `arg "masterConfigPatch" of "${unit.name}"`) : undefined,
    worker: args.workerConfigPatch ? parseConfigPatch(args.workerConfigPatch, `arg "workerConfigPatch" of "${unit.name}"`) : undefined,
  };
  const schedulable =
    args.scheduleOnMastersPolicy === "always" || (args.scheduleOnMastersPolicy === "when-no-workers" && inputs.workers.length === 0);

  const bundleText = unit.getSecret("secretsBundle", async () => JSON.stringify(await generateSecretsBundle()));
  const bundle = bundleText.apply((text) => parseSecretsBundle(text, `secret "secretsBundle" of "${unit.name}"`));
  const now = new Date();
  const adminCertificate = bundle.apply((value) => issueAdminCertificate(value, now));
  const credentials = pulumi.secret(
    pulumi
      .all([bundle, adminCertificate])
      .apply(([value, admin]) => ({ ca: bundleCertificate(value, "os").cert, cert: admin.cert, key: admin.key })),
  );
  const endpoint = args.endpoint
    ? pulumi.output(kubernetesEndpoint(args.endpoint, `Arg "endpoint" of "${unit.name}"`))
    : (inputs.masters[0] as pulumi.Output<Server>).apply((server) =>
        kubernetesEndpoint(addressOf(server), `The first address of the first master of "${unit.name}"`),
      );

  const machineConfig = (type: MachineType, server: pulumi.Output<Server>) =>
    pulumi.secret(
      pulumi.all([bundle, endpoint, server]).apply(([secrets, url, node]) => {
        const what = `of ${type === "controlplane" ? "master" : "worker"} "${node.hostname}" of "${unit.name}"`;
        const base = generateMachineConfig({
          type,
          clusterName,
          endpoint: url,
          kubernetesVersion: args.kubernetesVersion,
          secrets,
          install: { disk: args.installDisk, image },
          // The Talos API certificate must name every address talosctl and this unit connect to.
          additionalSans: [...new Set([...node.endpoints, ...(type === "controlplane" ? [endpointHost(url)] : [])])],
          allowSchedulingOnControlPlanes: schedulable,
          ...(args.cni === "flannel" ? {} : { cni: { name: "none" as const } }),
          kubeProxyDisabled: args.cni === "cilium",
        });
        const own = [
          {
            patch: { kind: "strategic" as const, documents: [{ machine: { network: { hostname: node.hostname } } }] },
            what: "the hostname",
          },
          ...(args.csi === "local-path-provisioner"
            ? [{ patch: { kind: "strategic" as const, documents: [localPathKubeletMount] }, what: "the local-path mount" }]
            : []),
        ];
        const user = [
          ...(patches.shared ? [{ patch: patches.shared, what: `arg "sharedConfigPatch" of "${unit.name}"` }] : []),
          ...(type === "controlplane" && patches.master
            ? [{ patch: patches.master, what: `arg "masterConfigPatch" of "${unit.name}"` }]
            : []),
          ...(type === "worker" && patches.worker ? [{ patch: patches.worker, what: `arg "workerConfigPatch" of "${unit.name}"` }] : []),
        ];
        const documents = applyConfigPatches([base], [...own, ...user]);
        validateMachineConfig(documents, what);
        return renderMachineConfig(documents);
      }),
    );

  const nodeInputs = (server: pulumi.Output<Server>) => ({
    node: server.apply(addressOf),
    nodeName: server.apply((value) => value.hostname),
    timeoutSeconds: args.waitTimeoutSeconds,
  });
  const masterConfigs = inputs.masters.map(
    (server, index) =>
      new MachineConfiguration(resourceName(unit, `master-${index}`), {
        inputs: { ...nodeInputs(server), config: machineConfig("controlplane", server), talosVersion: args.talosVersion },
        credentials,
      }),
  );
  const firstMaster = inputs.masters[0] as pulumi.Output<Server>;
  const bootstrap = new ClusterBootstrap(
    resourceName(unit, "bootstrap"),
    { inputs: nodeInputs(firstMaster), credentials },
    { dependsOn: masterConfigs },
  );
  const workerConfigs = inputs.workers.map(
    (server, index) =>
      new MachineConfiguration(
        resourceName(unit, `worker-${index}`),
        { inputs: { ...nodeInputs(server), config: machineConfig("worker", server), talosVersion: args.talosVersion }, credentials },
        { dependsOn: [bootstrap] },
      ),
  );
  const fetched = new ClusterKubeconfig(
    resourceName(unit, "kubeconfig"),
    { inputs: { ...nodeInputs(firstMaster), renewalPeriod: renewalPeriodStart(now).toISOString() }, credentials },
    { dependsOn: [bootstrap] },
  );
  const kubeconfig = pulumi.secret(fetched.outputs.apply((outputs) => outputs.kubeconfig));

  const provider = new k8s.Provider(resourceName(unit), { kubeconfig }, { dependsOn: [fetched] });
  const kubeSystem = k8s.core.v1.Namespace.get(resourceName(unit, "kube-system"), "kube-system", { provider });
  const nodeCount = inputs.masters.length + inputs.workers.length;
  // Pods (local-path-provisioner's among them) only start once the CNI runs.
  const cilium =
    args.cni === "cilium"
      ? createHelmChart(
          resourceName(unit, "cilium"),
          { ...ciliumChart, namespace: "kube-system", releaseName: "cilium", values: ciliumValues(nodeCount) },
          { provider },
        )
      : undefined;
  if (args.csi === "local-path-provisioner")
    createLocalPathProvisioner(resourceName(unit), { provider, dependsOn: [...workerConfigs, ...(cilium ? [cilium] : [])] });

  const masterAddresses = pulumi.all(inputs.masters.map((server) => server.apply(addressOf)));
  const allAddresses = pulumi.all([...inputs.masters, ...inputs.workers].map((server) => server.apply(addressOf)));
  const talosconfig = pulumi.secret(
    pulumi
      .all([masterAddresses, allAddresses, credentials])
      .apply(([endpoints, nodes, client]) => renderTalosconfig({ context: clusterName, endpoints, nodes, credentials: client })),
  );
  const apiEndpoint = endpoint.apply((url) => {
    const parsed = new URL(url);
    return { host: parsed.hostname.replace(/^\[(.*)\]$/, "$1"), port: Number(parsed.port), protocol: "tcp" as const };
  });

  return {
    k8sCluster: {
      id: kubeSystem.metadata.uid,
      name: clusterName,
      apiEndpoint,
      kubeconfig,
      // NodePort services are reachable on every node address.
      externalIps: allAddresses.apply((addresses) => addresses.filter((address) => isIP(address) !== 0)),
      quirks: { externalServiceType: "NodePort" as const, tunDevicePolicy: { type: "host" as const } },
    },
    talosCluster: {
      name: clusterName,
      endpoints: masterAddresses,
      nodes: allAddresses,
      kubernetesEndpoint: endpoint,
      talosVersion: args.talosVersion,
      kubernetesVersion: args.kubernetesVersion,
      talosconfig,
    },
    $statusFields: {
      kubernetesEndpoint: { value: endpoint, title: "Kubernetes API" },
      talosEndpoints: { value: masterAddresses.apply((list) => list.join(", ")), title: "Talos API" },
      talosVersion: { value: args.talosVersion, title: "Talos" },
    },
    $terminals: [
      {
        type: "local" as const,
        name: "management",
        title: "Cluster Management (talosctl, kubectl)",
        // The runner replaces these placeholders with the paths of the files below.
        // biome-ignore lint/suspicious/noTemplateCurlyInString: literal placeholders, not templates.
        env: { TALOSCONFIG: "${file:talosconfig}", KUBECONFIG: "${file:kubeconfig}" },
        files: [
          { name: "talosconfig", content: talosconfig, mode: 0o600 },
          { name: "kubeconfig", content: kubeconfig, mode: 0o600 },
        ],
      },
    ],
  };
});
