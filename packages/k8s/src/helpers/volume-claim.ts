import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { skipAwaitAnnotations } from "./wait.js";

/** Options of {@link createVolumeClaim}. */
export interface VolumeClaimArgs {
  /** The claim's object name. */
  name: pulumi.Input<string>;
  /** The namespace. */
  namespace: pulumi.Input<string>;
  /** The requested size, e.g. `10Gi`. */
  size: pulumi.Input<string>;
  /** The storage class; the cluster's default class when left out. */
  storageClassName?: pulumi.Input<string>;
  /** Labels of the claim. */
  labels?: Record<string, string>;
}

/**
 * Creates a `ReadWriteOnce` PersistentVolumeClaim that Pulumi does not wait for. With a
 * `WaitForFirstConsumer` storage class (K3s's `local-path`, most CSI drivers) a claim binds only once a
 * pod uses it, and that pod is created after the claim: waiting for the claim to bind would hang the
 * update until Pulumi's timeout. The pod's own readiness is what tells that the volume works.
 */
export function createVolumeClaim(
  name: string,
  args: VolumeClaimArgs,
  opts: pulumi.CustomResourceOptions,
): k8s.core.v1.PersistentVolumeClaim {
  return new k8s.core.v1.PersistentVolumeClaim(
    name,
    {
      metadata: {
        name: args.name,
        namespace: args.namespace,
        ...(args.labels ? { labels: args.labels } : {}),
        annotations: skipAwaitAnnotations,
      },
      spec: {
        accessModes: ["ReadWriteOnce"],
        resources: { requests: { storage: args.size } },
        ...(args.storageClassName ? { storageClassName: args.storageClassName } : {}),
      },
    },
    opts,
  );
}
