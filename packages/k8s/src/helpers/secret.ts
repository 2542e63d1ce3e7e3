import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { managedByLabels } from "./naming.js";

/** Options of {@link createSecret}. */
export interface SecretArgs {
  /** The secret name. */
  name: string;
  /** The namespace. */
  namespace: pulumi.Input<string>;
  /** Key → value; every value is treated as a Pulumi secret. */
  data: Record<string, pulumi.Input<string>>;
  /** Extra labels. */
  labels?: Record<string, string>;
}

/** Creates a Kubernetes Secret whose values are Pulumi secrets, so they are encrypted in the state. */
export function createSecret(name: string, args: SecretArgs, opts: pulumi.CustomResourceOptions): k8s.core.v1.Secret {
  const stringData: Record<string, pulumi.Output<string>> = {};
  for (const [key, value] of Object.entries(args.data)) stringData[key] = pulumi.secret(value);
  return new k8s.core.v1.Secret(
    name,
    {
      metadata: { name: args.name, namespace: args.namespace, labels: { ...args.labels, ...managedByLabels } },
      type: "Opaque",
      stringData,
    },
    { deleteBeforeReplace: true, ...opts },
  );
}
