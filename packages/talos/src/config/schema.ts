import { z } from "zod";
import { InvalidMachineConfigError, type MachineConfigDocument } from "./generate.js";

/*
 * A zod schema of the v1alpha1 machine config, written from Talos 1.11's documented fields. Fields this
 * package generates are typed; the other documented fields (which users may set through patches) are
 * allowed by name, and Talos's own JSON Schema checks their content. Unknown and legacy keys
 * (`persist`, `machine.persist`, `allowSchedulingOnMasters`, `machine.disks`, …) are rejected.
 */

const base64Pem = z
  .string()
  .refine((value) => Buffer.from(value, "base64").toString("utf8").startsWith("-----BEGIN "), "must be base64 of PEM");
const optionalBase64Pem = z.union([z.literal(""), base64Pem]);
const token = z.string().regex(/^[0-9a-z]{6}\.[0-9a-z]{16}$/, "must be a token like abcdef.0123456789abcdef");
const anything = z.unknown().optional();
const image = z.string().regex(/^[^\s:]+(:[^\s]+)?$/, "must be an image reference");
const keyPair = z.object({ crt: base64Pem, key: optionalBase64Pem }).strict();

const installSchema = z
  .object({
    disk: z.string().startsWith("/dev/").optional(),
    diskSelector: anything,
    extraKernelArgs: z.array(z.string()).optional(),
    image: image.optional(),
    wipe: z.boolean().optional(),
    legacyBIOSSupport: z.boolean().optional(),
  })
  .strict();

const kubeletSchema = z
  .object({
    image,
    clusterDNS: anything,
    extraArgs: z.record(z.string(), z.string()).optional(),
    extraMounts: z
      .array(
        z
          .object({
            destination: z.string().startsWith("/"),
            type: z.string().optional(),
            source: z.string().optional(),
            options: z.array(z.string()).optional(),
          })
          .strict(),
      )
      .optional(),
    extraConfig: anything,
    credentialProviderConfig: anything,
    defaultRuntimeSeccompProfileEnabled: z.boolean().optional(),
    registerWithFQDN: z.boolean().optional(),
    nodeIP: anything,
    skipNodeRegistration: z.boolean().optional(),
    disableManifestsDirectory: z.boolean().optional(),
  })
  .strict();

const featuresSchema = z
  .object({
    rbac: z.boolean().optional(),
    stableHostname: z.boolean().optional(),
    kubernetesTalosAPIAccess: anything,
    apidCheckExtKeyUsage: z.boolean().optional(),
    diskQuotaSupport: z.boolean().optional(),
    kubePrism: z
      .object({ enabled: z.boolean().optional(), port: z.number().int().min(1).max(65535).optional() })
      .strict()
      .optional(),
    hostDNS: z
      .object({ enabled: z.boolean().optional(), forwardKubeDNSToHost: z.boolean().optional(), resolveMemberNames: z.boolean().optional() })
      .strict()
      .optional(),
    imageCache: anything,
    nodeAddressSortAlgorithm: anything,
  })
  .strict();

const machineNetworkSchema = z
  .object({
    hostname: z.string().min(1).optional(),
    interfaces: anything,
    nameservers: z.array(z.string()).optional(),
    searchDomains: z.array(z.string()).optional(),
    extraHostEntries: anything,
    kubespan: anything,
    disableSearchDomain: z.boolean().optional(),
  })
  .strict();

const machineSchema = z
  .object({
    type: z.enum(["controlplane", "worker", "init"]),
    token,
    ca: keyPair,
    acceptedCAs: anything,
    certSANs: z.array(z.string()),
    controlPlane: anything,
    kubelet: kubeletSchema,
    pods: anything,
    network: machineNetworkSchema,
    install: installSchema,
    files: anything,
    env: anything,
    time: anything,
    sysctls: z.record(z.string(), z.string()).optional(),
    sysfs: anything,
    registries: anything,
    features: featuresSchema,
    udev: anything,
    logging: anything,
    kernel: anything,
    seccompProfiles: anything,
    baseRuntimeSpecOverrides: anything,
    nodeLabels: z.record(z.string(), z.string()).optional(),
    nodeAnnotations: anything,
    nodeTaints: anything,
  })
  .strict();

const cniSchema = z
  .object({ name: z.enum(["flannel", "custom", "none"]), urls: z.array(z.url()).optional(), flannel: anything })
  .strict()
  .refine((cni) => cni.name === "custom" || (cni.urls ?? []).length === 0, {
    message: "urls are only allowed with the custom CNI",
    path: ["urls"],
  });

const imageOnly = (extra: Record<string, z.ZodType> = {}) => z.object({ image: image.optional(), extraArgs: anything, ...extra }).strict();

const clusterSchema = z
  .object({
    id: z.string().min(1),
    secret: z.string().min(1),
    controlPlane: z
      .object({
        endpoint: z.string().regex(/^https:\/\/[^/]+:\d+$/, "must be https://host:port"),
        localAPIServerPort: z.number().int().min(1).max(65535).optional(),
      })
      .strict(),
    clusterName: z.string().min(1),
    network: z
      .object({
        cni: cniSchema.optional(),
        dnsDomain: z.string().min(1),
        podSubnets: z.array(z.string()).min(1),
        serviceSubnets: z.array(z.string()).min(1),
      })
      .strict(),
    token,
    aescbcEncryptionSecret: z.string().optional(),
    secretboxEncryptionSecret: z.string().optional(),
    ca: keyPair,
    acceptedCAs: anything,
    aggregatorCA: keyPair.optional(),
    serviceAccount: z.object({ key: base64Pem }).strict().optional(),
    apiServer: z
      .object({
        image: image.optional(),
        extraArgs: anything,
        extraVolumes: anything,
        env: anything,
        certSANs: z.array(z.string()).optional(),
        disablePodSecurityPolicy: z.boolean().optional(),
        admissionControl: z
          .array(z.object({ name: z.string().min(1), configuration: z.record(z.string(), z.unknown()) }).strict())
          .optional(),
        auditPolicy: z.record(z.string(), z.unknown()).optional(),
        resources: anything,
        authorizationConfig: anything,
      })
      .strict()
      .optional(),
    controllerManager: imageOnly({ extraVolumes: anything, env: anything, resources: anything }).optional(),
    proxy: imageOnly({ disabled: z.boolean().optional(), mode: anything }).optional(),
    scheduler: imageOnly({ extraVolumes: anything, env: anything, resources: anything, config: anything }).optional(),
    discovery: z.object({ enabled: z.boolean().optional(), registries: anything }).strict().optional(),
    etcd: z
      .object({ ca: keyPair, image: anything, extraArgs: anything, advertisedSubnets: anything, listenSubnets: anything })
      .strict()
      .optional(),
    coreDNS: anything,
    externalCloudProvider: anything,
    extraManifests: z.array(z.url()).optional(),
    extraManifestHeaders: anything,
    inlineManifests: z.array(z.object({ name: z.string().min(1), contents: z.string() }).strict()).optional(),
    adminKubeconfig: anything,
    allowSchedulingOnControlPlanes: z.boolean().optional(),
  })
  .strict();

/** The v1alpha1 machine config document (no `apiVersion`/`kind`), with the rules Talos validates for each node role. */
export const v1alpha1ConfigSchema = z
  .object({ version: z.literal("v1alpha1"), debug: z.boolean().optional(), machine: machineSchema, cluster: clusterSchema })
  .strict()
  .superRefine((config, context) => {
    const { machine, cluster } = config;
    if (machine.type === "worker") {
      if (machine.ca.key !== "")
        context.addIssue({
          code: "custom",
          path: ["machine", "ca", "key"],
          message: "must be empty on a worker: CA keys stay on control-plane nodes",
        });
      if (cluster.ca.key !== "")
        context.addIssue({
          code: "custom",
          path: ["cluster", "ca", "key"],
          message: "must be empty on a worker: CA keys stay on control-plane nodes",
        });
      for (const key of [
        "etcd",
        "aggregatorCA",
        "serviceAccount",
        "apiServer",
        "secretboxEncryptionSecret",
        "aescbcEncryptionSecret",
        "allowSchedulingOnControlPlanes",
      ] as const) {
        if (cluster[key] !== undefined)
          context.addIssue({ code: "custom", path: ["cluster", key], message: "is only for control-plane nodes" });
      }
    } else {
      if (machine.ca.key === "")
        context.addIssue({ code: "custom", path: ["machine", "ca", "key"], message: "is required on a control-plane node" });
      if (cluster.ca.key === "")
        context.addIssue({ code: "custom", path: ["cluster", "ca", "key"], message: "is required on a control-plane node" });
      if (!cluster.etcd) context.addIssue({ code: "custom", path: ["cluster", "etcd"], message: "is required on a control-plane node" });
      if ((cluster.secretboxEncryptionSecret === undefined) === (cluster.aescbcEncryptionSecret === undefined)) {
        context.addIssue({
          code: "custom",
          path: ["cluster", "secretboxEncryptionSecret"],
          message: "exactly one encryption secret is required on a control-plane node",
        });
      }
    }
  });

/** Any other config document (`apiVersion` + `kind`), whose content Talos's JSON Schema checks. */
export const otherDocumentSchema = z.object({ apiVersion: z.literal("v1alpha1"), kind: z.string().min(1) }).loose();

/**
 * Checks every document of a machine config against the zod schema: the v1alpha1 document (exactly one,
 * first) and the other documents' `apiVersion`/`kind`.
 *
 * @param what names the config in errors, e.g. `the config of worker "node-2"`.
 * @throws InvalidMachineConfigError listing every problem with its document and field.
 */
export function validateMachineConfig(documents: MachineConfigDocument[], what: string): void {
  const problems: string[] = [];
  const v1alpha1 = documents.filter((document) => document.kind === undefined);
  if (v1alpha1.length !== 1 || documents[0]?.kind !== undefined) problems.push("it needs exactly one v1alpha1 document, first");
  documents.forEach((document, index) => {
    const result = document.kind === undefined ? v1alpha1ConfigSchema.safeParse(document) : otherDocumentSchema.safeParse(document);
    if (result.success) return;
    const name = document.kind === undefined ? "v1alpha1" : String(document.kind);
    for (const issue of result.error.issues) {
      const keys = issue.code === "unrecognized_keys" ? ` (${issue.keys.map((key) => `"${key}"`).join(", ")})` : "";
      problems.push(`document ${index + 1} (${name}) "${issue.path.join(".") || "/"}": ${issue.message}${keys}`);
    }
  });
  if (problems.length > 0) throw new InvalidMachineConfigError(`The machine config ${what} is not valid: ${problems.join("; ")}`);
}
