/**
 * Definitions of the sample units the runtime tests run. Like every definitions module, it imports
 * only @highstate/contract (a test checks that importing it never loads Pulumi).
 */
import { defineComponent, defineEntity, z } from "@highstate/contract";

export const networkEntity = defineEntity({
  type: "test.network.v1",
  schema: z.object({
    /** The network id. */
    id: z.string().min(1),
    /** The address range in CIDR notation. */
    cidr: z.string().regex(/^\d+\.\d+\.\d+\.\d+\/\d+$/),
  }),
  meta: { title: "Network" },
});

export const bucketEntity = defineEntity({
  type: "test.bucket.v1",
  schema: z.object({
    name: z.string().min(1),
    region: z.string().min(1),
    endpoint: z.url(),
    accessKey: z.string().min(16),
  }),
  meta: { title: "Bucket" },
});

export const clusterEntity = defineEntity({
  type: "test.cluster.v1",
  schema: z.object({
    name: z.string().min(1),
    kubeconfig: z.string().min(1),
  }),
  meta: { title: "Cluster" },
});

export const workloadEntity = defineEntity({
  type: "test.workload.v1",
  schema: z.object({
    namespace: z.string().min(1),
    name: z.string().min(1),
    replicas: z.number().int().min(1),
    port: z.number().int().min(1).max(65535),
  }),
  meta: { title: "Workload" },
});

export const zoneEntity = defineEntity({
  type: "test.zone.v1",
  schema: z.object({
    zoneId: z.string().min(1),
    domain: z.string().min(1),
    apiUrl: z.url().default("https://dns.example.com/api"),
  }),
  meta: { title: "DNS Zone" },
});

export const recordEntity = defineEntity({
  type: "test.record.v1",
  schema: z.object({
    id: z.string().min(1),
    fqdn: z.string().min(1),
    ttl: z.number().int().min(60),
  }),
  meta: { title: "DNS Record" },
});

/** A plain resource unit: one custom resource. */
export const bucketComponent = defineComponent({
  type: "test.bucket.v1",
  args: {
    /** The region the bucket lives in. */
    region: z.string().default("eu-central-1"),
    /** The size in gigabytes. */
    sizeGb: z.number().int().min(1).default(10),
    /** Whether old object versions are kept. */
    versioning: z.boolean().default(false),
  },
  secrets: {
    /** The access key; generated on the first run when not set. */
    accessKey: z.string().min(16).optional(),
  },
  inputs: {
    network: networkEntity,
    mirrors: { entity: bucketEntity, required: false, multiple: true },
  },
  outputs: {
    bucket: bucketEntity,
  },
  meta: { title: "Bucket" },
  source: { package: "@highstate/pulumi", path: "test-fixtures/bucket" },
});

/** A Kubernetes unit: a Deployment and a Secret through @pulumi/kubernetes. */
export const webAppComponent = defineComponent({
  type: "test.web-app.v1",
  args: {
    /** The container image. */
    image: z.string().min(1),
    /** How many pods run. */
    replicas: z.number().int().min(1).default(2),
    /** The container port. */
    port: z.number().int().min(1).max(65535).default(8080),
    /** The namespace. */
    namespace: z.string().default("default"),
  },
  secrets: {
    /** The admin password; generated on the first run when not set. */
    adminPassword: z.string().min(12).optional(),
  },
  inputs: {
    cluster: clusterEntity,
  },
  outputs: {
    workload: workloadEntity,
  },
  meta: { title: "Web App" },
  source: { package: "@highstate/pulumi", path: "test-fixtures/web-app" },
});

/** A dynamic resource unit: a DNS record created through a REST API with an API token. */
export const dnsRecordComponent = defineComponent({
  type: "test.dns-record.v1",
  args: {
    /** The record name inside the zone. */
    name: z.string().regex(/^[a-z0-9-]+$/),
    /** The time to live in seconds. */
    ttl: z.number().int().min(60).default(300),
  },
  secrets: {
    /** The API token of the DNS provider. */
    apiToken: z.string().min(8),
    /** A verification token published with the record; generated on the first run. */
    verificationToken: z.string().optional(),
  },
  inputs: {
    zone: zoneEntity,
  },
  outputs: {
    record: recordEntity,
  },
  meta: { title: "DNS Record" },
  source: { package: "@highstate/pulumi", path: "test-fixtures/dns-record" },
});
