import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { appLabels, kubernetesName, selectorLabels } from "./naming.js";
import { createSecret } from "./secret.js";
import { createVolumeClaim } from "./volume-claim.js";

/** A port the container listens on, published by the workload's Service. */
export interface WorkloadPort {
  /** The port name (`http`, `postgres`), at most 15 characters. */
  name: string;
  /** The container port, also used as the Service port. */
  port: number;
  /** The protocol, `TCP` by default. */
  protocol?: "TCP" | "UDP";
  /** The application protocol (`http`, `https`, `kubernetes.io/h2c`), passed to the Service as `appProtocol`. */
  appProtocol?: string;
}

/** A persistent volume mounted into the container. */
export interface WorkloadVolume {
  /** Where the volume is mounted in the container. */
  mountPath: string;
  /** The requested size, for example `1Gi`. */
  size: string;
  /** The storage class; the cluster's default class when left out. */
  storageClassName?: string;
}

/** Options of {@link Workload}. */
export interface WorkloadArgs {
  /** What runs, for the `app.kubernetes.io/name` label, for example `vaultwarden`. */
  app: string;
  /** The namespace. */
  namespace: pulumi.Input<string>;
  /** The object name of the workload, its Service and volume; defaults to the resource name made Kubernetes-safe. */
  name?: string;
  /** `Deployment` (the default) or `StatefulSet` (its volume comes from a claim template). */
  kind?: "Deployment" | "StatefulSet";
  /** The container image, pinned by tag or digest. */
  image: pulumi.Input<string>;
  /** Overrides the image's entrypoint. */
  command?: pulumi.Input<string>[];
  /** Arguments to the entrypoint. */
  args?: pulumi.Input<string>[];
  /** Plain environment variables. */
  env?: Record<string, pulumi.Input<string>>;
  /** Secret environment variables: stored in a Kubernetes Secret `<name>-env`, referenced from the pod, encrypted in the Pulumi state. */
  secretEnv?: Record<string, pulumi.Input<string>>;
  /** The ports the container listens on. */
  ports?: WorkloadPort[];
  /** A persistent volume. A Deployment with a volume uses the `Recreate` strategy, so two pods never share it. */
  volume?: WorkloadVolume;
  /** Number of pods (1 by default). */
  replicas?: number;
  /** CPU and memory requests and limits. */
  resources?: k8s.types.input.core.v1.ResourceRequirements;
  /** The readiness probe; by default a TCP check of the first port. */
  readinessProbe?: k8s.types.input.core.v1.Probe;
  /** The liveness probe (none by default). */
  livenessProbe?: k8s.types.input.core.v1.Probe;
  /** The container's security context. */
  securityContext?: k8s.types.input.core.v1.SecurityContext;
  /** The pod's security context (for example `fsGroup` so the volume is writable). */
  podSecurityContext?: k8s.types.input.core.v1.PodSecurityContext;
  /** The Service in front of the pods: `false` for none; a `ClusterIP` Service by default when there are ports. */
  service?: false | { type?: "ClusterIP" | "NodePort" | "LoadBalancer"; annotations?: Record<string, string> };
}

/**
 * A container workload with the pieces apps keep needing: a Deployment or StatefulSet, an optional
 * persistent volume, secret environment variables kept in a Secret, and a Service. The Kubernetes
 * provider waits until the pods are ready (rollout complete) before the resource counts as created,
 * so units depending on the workload start after it is up.
 *
 * ```ts
 * const app = new Workload(resourceName(unit), {
 *   app: "vaultwarden", namespace: namespace.metadata.name, image: "vaultwarden/server:1.34.3",
 *   ports: [{ name: "http", port: 80 }], volume: { mountPath: "/data", size: "1Gi" },
 *   secretEnv: { ADMIN_TOKEN: adminToken },
 * }, { provider });
 * ```
 */
export class Workload extends pulumi.ComponentResource {
  /** The object name shared by the workload, its Service, Secret and volume claim. */
  readonly objectName: string;
  /** The labels of the pods (and the Service's selector). */
  readonly selector: Record<string, string>;
  readonly deployment?: k8s.apps.v1.Deployment;
  readonly statefulSet?: k8s.apps.v1.StatefulSet;
  readonly service?: k8s.core.v1.Service;
  /** The claim of a Deployment's volume (a StatefulSet's claims come from its template). */
  readonly volumeClaim?: k8s.core.v1.PersistentVolumeClaim;
  /** The Secret holding `secretEnv`. */
  readonly envSecret?: k8s.core.v1.Secret;

  constructor(name: string, args: WorkloadArgs, opts?: pulumi.ComponentResourceOptions) {
    super("highstate:k8s:Workload", name, {}, opts);
    const objectName = args.name ?? kubernetesName(name);
    const kind = args.kind ?? "Deployment";
    const labels = appLabels(args.app, objectName);
    const selector = selectorLabels(args.app, objectName);
    const child = { parent: this, deleteBeforeReplace: true };
    this.objectName = objectName;
    this.selector = selector;

    const env: k8s.types.input.core.v1.EnvVar[] = Object.entries(args.env ?? {}).map(([key, value]) => ({ name: key, value }));
    if (args.secretEnv && Object.keys(args.secretEnv).length > 0) {
      this.envSecret = createSecret(
        `${name}-env`,
        { name: `${objectName}-env`, namespace: args.namespace, data: args.secretEnv, labels },
        child,
      );
      for (const key of Object.keys(args.secretEnv)) {
        env.push({ name: key, valueFrom: { secretKeyRef: { name: `${objectName}-env`, key } } });
      }
    }

    const ports = args.ports ?? [];
    const firstPort = ports[0];
    const readinessProbe = args.readinessProbe ?? (firstPort ? { tcpSocket: { port: firstPort.name }, periodSeconds: 5 } : undefined);
    const container: k8s.types.input.core.v1.Container = {
      name: kubernetesName(args.app),
      image: args.image,
      ...(args.command ? { command: args.command } : {}),
      ...(args.args ? { args: args.args } : {}),
      ...(env.length > 0 ? { env } : {}),
      ...(ports.length > 0
        ? { ports: ports.map((port) => ({ name: port.name, containerPort: port.port, protocol: port.protocol ?? "TCP" })) }
        : {}),
      ...(args.volume ? { volumeMounts: [{ name: "data", mountPath: args.volume.mountPath }] } : {}),
      ...(args.resources ? { resources: args.resources } : {}),
      ...(readinessProbe ? { readinessProbe } : {}),
      ...(args.livenessProbe ? { livenessProbe: args.livenessProbe } : {}),
      ...(args.securityContext ? { securityContext: args.securityContext } : {}),
    };
    const claimSpec = args.volume
      ? {
          accessModes: ["ReadWriteOnce"],
          resources: { requests: { storage: args.volume.size } },
          ...(args.volume.storageClassName ? { storageClassName: args.volume.storageClassName } : {}),
        }
      : undefined;
    const metadata = { name: objectName, namespace: args.namespace, labels };

    const serviceOptions = args.service === false || ports.length === 0 ? undefined : (args.service ?? {});
    if (serviceOptions) {
      this.service = new k8s.core.v1.Service(
        name,
        {
          metadata: { ...metadata, ...(serviceOptions.annotations ? { annotations: serviceOptions.annotations } : {}) },
          spec: {
            type: serviceOptions.type ?? "ClusterIP",
            selector,
            ports: ports.map((port) => ({
              name: port.name,
              port: port.port,
              targetPort: port.name,
              protocol: port.protocol ?? "TCP",
              ...(port.appProtocol ? { appProtocol: port.appProtocol } : {}),
            })),
          },
        },
        child,
      );
    }

    const podTemplate = (volumes: k8s.types.input.core.v1.Volume[]) => ({
      metadata: { labels },
      spec: {
        containers: [container],
        ...(volumes.length > 0 ? { volumes } : {}),
        ...(args.podSecurityContext ? { securityContext: args.podSecurityContext } : {}),
      },
    });

    if (kind === "StatefulSet") {
      this.statefulSet = new k8s.apps.v1.StatefulSet(
        name,
        {
          metadata,
          spec: {
            replicas: args.replicas ?? 1,
            serviceName: objectName,
            selector: { matchLabels: selector },
            template: podTemplate([]),
            ...(claimSpec ? { volumeClaimTemplates: [{ metadata: { name: "data", labels }, spec: claimSpec }] } : {}),
          },
        },
        { ...child, dependsOn: [this.envSecret, this.service].filter((item) => item !== undefined) },
      );
    } else {
      if (args.volume)
        this.volumeClaim = createVolumeClaim(
          name,
          { name: objectName, namespace: args.namespace, size: args.volume.size, storageClassName: args.volume.storageClassName, labels },
          { ...child, deleteBeforeReplace: true },
        );
      this.deployment = new k8s.apps.v1.Deployment(
        name,
        {
          metadata,
          spec: {
            replicas: args.replicas ?? 1,
            selector: { matchLabels: selector },
            ...(claimSpec ? { strategy: { type: "Recreate" } } : {}),
            template: podTemplate(claimSpec ? [{ name: "data", persistentVolumeClaim: { claimName: objectName } }] : []),
          },
        },
        { ...child, dependsOn: [this.envSecret, this.volumeClaim].filter((item) => item !== undefined) },
      );
    }
    this.registerOutputs({});
  }
}
