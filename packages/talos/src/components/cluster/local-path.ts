import { createNamespace } from "@highstate/k8s/helpers";
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

/** The local-path-provisioner image, pinned. */
export const localPathProvisionerImage = "docker.io/rancher/local-path-provisioner:v0.0.31";
/** The helper image the provisioner runs to create and delete volume directories. */
export const localPathHelperImage = "docker.io/library/busybox:1.37.0";
/** Where volumes live on the nodes: under /var, which Talos keeps writable; the kubelet gets it as an rshared bind mount. */
export const localPathDirectory = "/var/local-path-provisioner";

/** The machine config patch every node needs for local-path volumes: the kubelet sees the directory. */
export const localPathKubeletMount = {
  machine: {
    kubelet: {
      extraMounts: [{ destination: localPathDirectory, type: "bind", source: localPathDirectory, options: ["bind", "rshared", "rw"] }],
    },
  },
};

const namespace = "local-path-storage";

const setupScript = `#!/bin/sh
set -eu
mkdir -m 0777 -p "$VOL_DIR"
`;
const teardownScript = `#!/bin/sh
set -eu
rm -rf "$VOL_DIR"
`;

/**
 * Installs local-path-provisioner: its namespace (Pod Security `privileged`, since the helper pods use
 * host paths), service account and RBAC, configuration, Deployment and the default `local-path`
 * StorageClass. Volumes are directories under {@link localPathDirectory} on the node the pod runs on.
 */
export function createLocalPathProvisioner(name: string, opts: pulumi.CustomResourceOptions): k8s.storage.v1.StorageClass {
  const ns = createNamespace(`${name}-local-path`, { name: namespace, podSecurity: "privileged" }, opts);
  const inNamespace = { ...opts, dependsOn: [ns] };
  const labels = { "app.kubernetes.io/name": "local-path-provisioner", "app.kubernetes.io/managed-by": "highstate" };
  const account = new k8s.core.v1.ServiceAccount(
    `${name}-local-path`,
    { metadata: { name: "local-path-provisioner", namespace, labels } },
    inNamespace,
  );
  const role = new k8s.rbac.v1.ClusterRole(
    `${name}-local-path`,
    {
      metadata: { name: "local-path-provisioner", labels },
      rules: [
        { apiGroups: [""], resources: ["nodes", "persistentvolumeclaims", "configmaps", "pods/log"], verbs: ["get", "list", "watch"] },
        { apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch", "create", "patch", "update", "delete"] },
        { apiGroups: [""], resources: ["persistentvolumes"], verbs: ["get", "list", "watch", "create", "patch", "update", "delete"] },
        { apiGroups: [""], resources: ["events"], verbs: ["create", "patch"] },
        { apiGroups: ["storage.k8s.io"], resources: ["storageclasses"], verbs: ["get", "list", "watch"] },
      ],
    },
    opts,
  );
  new k8s.rbac.v1.ClusterRoleBinding(
    `${name}-local-path`,
    {
      metadata: { name: "local-path-provisioner", labels },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "local-path-provisioner" },
      subjects: [{ kind: "ServiceAccount", name: "local-path-provisioner", namespace }],
    },
    { ...opts, dependsOn: [role, account] },
  );
  const config = new k8s.core.v1.ConfigMap(
    `${name}-local-path`,
    {
      metadata: { name: "local-path-config", namespace, labels },
      data: {
        "config.json": JSON.stringify(
          { nodePathMap: [{ node: "DEFAULT_PATH_FOR_NON_LISTED_NODES", paths: [localPathDirectory] }] },
          null,
          2,
        ),
        setup: setupScript,
        teardown: teardownScript,
        "helperPod.yaml": [
          "apiVersion: v1",
          "kind: Pod",
          "metadata:",
          "  name: helper-pod",
          "spec:",
          "  priorityClassName: system-node-critical",
          "  tolerations:",
          "    - key: node.kubernetes.io/disk-pressure",
          "      operator: Exists",
          "      effect: NoSchedule",
          "  containers:",
          "    - name: helper-pod",
          `      image: ${localPathHelperImage}`,
          "      imagePullPolicy: IfNotPresent",
          "",
        ].join("\n"),
      },
    },
    inNamespace,
  );
  new k8s.apps.v1.Deployment(
    `${name}-local-path`,
    {
      metadata: { name: "local-path-provisioner", namespace, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: { "app.kubernetes.io/name": "local-path-provisioner" } },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: "local-path-provisioner",
            containers: [
              {
                name: "local-path-provisioner",
                image: localPathProvisionerImage,
                imagePullPolicy: "IfNotPresent",
                command: ["local-path-provisioner", "--debug", "start", "--config", "/etc/config/config.json"],
                env: [
                  { name: "POD_NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
                  { name: "CONFIG_MOUNT_PATH", value: "/etc/config/" },
                ],
                volumeMounts: [{ name: "config-volume", mountPath: "/etc/config/" }],
              },
            ],
            volumes: [{ name: "config-volume", configMap: { name: "local-path-config" } }],
          },
        },
      },
    },
    { ...inNamespace, dependsOn: [ns, config, account] },
  );
  return new k8s.storage.v1.StorageClass(
    `${name}-local-path`,
    {
      metadata: { name: "local-path", labels, annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
      provisioner: "rancher.io/local-path",
      volumeBindingMode: "WaitForFirstConsumer",
      reclaimPolicy: "Delete",
    },
    opts,
  );
}
