import type { SecretsBundle } from "../pki/secrets.js";

/** The role of a node: `controlplane` runs etcd and the Kubernetes control plane, `worker` only workloads. */
export type MachineType = "controlplane" | "worker";

/** A v1alpha1 machine config document, as plain JSON. */
export type MachineConfigDocument = Record<string, unknown>;

/** Options of {@link generateMachineConfig}. */
export interface MachineConfigOptions {
  /** The node's role. */
  type: MachineType;
  /** The cluster name. */
  clusterName: string;
  /** The Kubernetes API endpoint, `https://host:port`. */
  endpoint: string;
  /** The Kubernetes version, such as `1.34.1` (a leading `v` is allowed). */
  kubernetesVersion: string;
  /** The cluster secrets. */
  secrets: SecretsBundle;
  /** Installation on disk: target disk, installer image, wipe and extra kernel arguments. */
  install?: { disk?: string; image?: string; wipe?: boolean; extraKernelArgs?: string[] };
  /** Extra names and addresses for the Talos API and Kubernetes API server certificates. */
  additionalSans?: string[];
  /** Whether workloads may run on control-plane nodes. */
  allowSchedulingOnControlPlanes?: boolean;
  /** The Kubernetes DNS domain; `cluster.local` by default. */
  dnsDomain?: string;
  /** Pod subnets; `10.244.0.0/16` by default. */
  podSubnets?: string[];
  /** Service subnets; `10.96.0.0/12` by default. */
  serviceSubnets?: string[];
  /** The CNI Talos deploys: `flannel` (when left out), `custom` with manifest URLs, or `none`. */
  cni?: { name: "flannel" | "custom" | "none"; urls?: string[] };
  /** Whether Talos deploys kube-proxy (turned off when the CNI replaces it). */
  kubeProxyDisabled?: boolean;
  /** The port the API server listens on locally, when it differs from the endpoint's. */
  localApiServerPort?: number;
}

/** Thrown when machine config options or the generated config are not valid. */
export class InvalidMachineConfigError extends Error {
  override name = "InvalidMachineConfigError";
}

/** The Pod Security admission defaults Talos sets for a 1.1+ contract: enforce baseline, audit and warn restricted, kube-system exempt. */
function podSecurityAdmission(): unknown[] {
  return [
    {
      name: "PodSecurity",
      configuration: {
        apiVersion: "pod-security.admission.config.k8s.io/v1alpha1",
        defaults: {
          audit: "restricted",
          "audit-version": "latest",
          enforce: "baseline",
          "enforce-version": "latest",
          warn: "restricted",
          "warn-version": "latest",
        },
        exemptions: { namespaces: ["kube-system"], runtimeClasses: [], usernames: [] },
        kind: "PodSecurityConfiguration",
      },
    },
  ];
}

/** The host of an `https://host:port` endpoint (without IPv6 brackets), or an error naming the endpoint. */
export function endpointHost(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new InvalidMachineConfigError(`The cluster endpoint "${endpoint}" is not a URL: give it as https://host:6443`);
  }
  // URL drops a port equal to the scheme's default (443), so look for it in the text too.
  const explicitPort = url.port !== "" || /^https:\/\/(?:\[[^\]]+\]|[^/:]+):\d+\/?$/.test(endpoint);
  if (url.protocol !== "https:" || !explicitPort || url.pathname !== "/") {
    throw new InvalidMachineConfigError(
      `The cluster endpoint "${endpoint}" must be https://host:port with an explicit port and no path, such as https://10.0.0.10:6443`,
    );
  }
  return url.hostname.replace(/^\[(.*)\]$/, "$1");
}

/**
 * Generates the v1alpha1 machine config document of a control-plane or worker node the way Talos's
 * own generator does for the 1.11 contract (the fields and defaults are those of Talos 1.11's stability
 * goldens), except that the deprecated top-level `persist` key is left out.
 *
 * Worker configs carry only the CA certificates: no CA keys, no etcd section, no API server.
 */
export function generateMachineConfig(options: MachineConfigOptions): MachineConfigDocument {
  const host = endpointHost(options.endpoint);
  const k8s = options.kubernetesVersion.replace(/^v/, "");
  if (!/^\d+\.\d+\.\d+$/.test(k8s))
    throw new InvalidMachineConfigError(`The Kubernetes version "${options.kubernetesVersion}" must look like 1.34.1`);
  const controlPlane = options.type === "controlplane";
  const { secrets } = options;
  const additionalSans = options.additionalSans ?? [];

  const install: Record<string, unknown> = {};
  if (options.install?.disk) install.disk = options.install.disk;
  if (options.install?.extraKernelArgs?.length) install.extraKernelArgs = options.install.extraKernelArgs;
  if (options.install?.image) install.image = options.install.image;
  install.wipe = options.install?.wipe ?? false;

  const machine: Record<string, unknown> = {
    type: options.type,
    token: secrets.trustdinfo.token,
    ca: { crt: secrets.certs.os.cert, key: controlPlane ? secrets.certs.os.key : "" },
    certSANs: [...additionalSans],
    kubelet: {
      image: `ghcr.io/siderolabs/kubelet:v${k8s}`,
      defaultRuntimeSeccompProfileEnabled: true,
      disableManifestsDirectory: true,
    },
    network: {},
    install,
    features: {
      rbac: true,
      stableHostname: true,
      apidCheckExtKeyUsage: true,
      diskQuotaSupport: true,
      kubePrism: { enabled: true, port: 7445 },
      hostDNS: { enabled: true, forwardKubeDNSToHost: true },
    },
  };
  if (controlPlane) machine.nodeLabels = { "node.kubernetes.io/exclude-from-external-load-balancers": "" };

  const network: Record<string, unknown> = {};
  if (options.cni && options.cni.name !== "flannel")
    network.cni = { name: options.cni.name, ...(options.cni.name === "custom" ? { urls: options.cni.urls ?? [] } : {}) };
  network.dnsDomain = options.dnsDomain ?? "cluster.local";
  network.podSubnets = options.podSubnets ?? ["10.244.0.0/16"];
  network.serviceSubnets = options.serviceSubnets ?? ["10.96.0.0/12"];

  const cluster: Record<string, unknown> = {
    id: secrets.cluster.id,
    secret: secrets.cluster.secret,
    controlPlane: {
      endpoint: options.endpoint,
      ...(controlPlane && options.localApiServerPort ? { localAPIServerPort: options.localApiServerPort } : {}),
    },
    clusterName: options.clusterName,
    network,
    token: secrets.secrets.bootstrapToken,
  };
  if (controlPlane) {
    if (secrets.secrets.secretboxEncryptionSecret) cluster.secretboxEncryptionSecret = secrets.secrets.secretboxEncryptionSecret;
    else cluster.aescbcEncryptionSecret = secrets.secrets.aescbcEncryptionSecret;
  }
  cluster.ca = { crt: secrets.certs.k8s.cert, key: controlPlane ? secrets.certs.k8s.key : "" };
  if (controlPlane) {
    cluster.aggregatorCA = { crt: secrets.certs.k8sAggregator.cert, key: secrets.certs.k8sAggregator.key };
    cluster.serviceAccount = { key: secrets.certs.k8sServiceaccount.key };
    cluster.apiServer = {
      image: `registry.k8s.io/kube-apiserver:v${k8s}`,
      certSANs: [...new Set([host, ...additionalSans])],
      disablePodSecurityPolicy: true,
      admissionControl: podSecurityAdmission(),
      auditPolicy: { apiVersion: "audit.k8s.io/v1", kind: "Policy", rules: [{ level: "Metadata" }] },
    };
    cluster.controllerManager = { image: `registry.k8s.io/kube-controller-manager:v${k8s}` };
    cluster.proxy = { ...(options.kubeProxyDisabled ? { disabled: true } : {}), image: `registry.k8s.io/kube-proxy:v${k8s}` };
    cluster.scheduler = { image: `registry.k8s.io/kube-scheduler:v${k8s}` };
  } else if (options.kubeProxyDisabled) {
    cluster.proxy = { disabled: true };
  }
  cluster.discovery = { enabled: true, registries: { kubernetes: { disabled: true }, service: {} } };
  if (controlPlane) {
    cluster.etcd = { ca: { crt: secrets.certs.etcd.cert, key: secrets.certs.etcd.key } };
    if (options.allowSchedulingOnControlPlanes) cluster.allowSchedulingOnControlPlanes = true;
  }
  return { version: "v1alpha1", debug: false, machine, cluster };
}
