/**
 * The three sample units and what each must show under the mock runtime, so one table-driven test
 * checks the same contract for a plain resource, a Kubernetes Deployment and a dynamic resource.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { AnyComponent } from "@highstate/contract";
import type { AnyUnit } from "../unit.js";
import type { TestMocks, TestUnitOptions, UnitTestResult } from "../test/index.js";

export interface Scenario {
  /** What the unit shows. */
  title: string;
  load(): Promise<AnyUnit>;
  /** Options of a valid run. */
  options: TestUnitOptions<AnyComponent>;
  /** Asserts that the defaults of the args reached the resources; returns the values it saw. */
  defaults(result: UnitTestResult): Record<string, unknown>;
  /** Args with one bad field, and that field. */
  badArgs: { args: Record<string, unknown>; field: string };
  /** A required input. */
  requiredInput: string;
  /** The secret the unit generates and where the value it used can be read. */
  generatedSecret: { name: string; used(result: UnitTestResult): unknown };
  /** Stack outputs that must be secret and ones that must not. */
  secretOutputs: string[];
  plainOutputs: string[];
  /** Mocks that make the provider return a value the output entity rejects, and the field named. */
  invalidOutput: { mocks: TestMocks; output: string; path: string };
}

const kubeconfig = "apiVersion: v1\nkind: Config\nclusters: []\nusers:\n- name: admin\n  user:\n    token: cluster-admin-token\n";

function withState(type: string, state: (inputs: Record<string, unknown>) => Record<string, unknown>): TestMocks {
  return {
    newResource: (args: pulumi.runtime.MockResourceArgs) =>
      args.type === type ? { id: `${args.name}-id`, state: { ...args.inputs, ...state(args.inputs) } } : undefined,
  };
}

const bucketMocks = withState("test:storage:Bucket", (inputs) => ({ endpoint: `https://${String(inputs.bucketName)}.s3.example.com` }));
const recordType = "pulumi-nodejs:dynamic/test:DnsRecord";
const recordMocks = withState(recordType, (inputs) => ({
  outputs: { recordId: "rec-1", fqdn: `${String((inputs.inputs as Record<string, unknown>).name)}.example.com` },
}));

export const scenarios: Scenario[] = [
  {
    title: "plain resource (bucket)",
    load: async () => (await import("./bucket.js")).default,
    options: { inputs: { network: { id: "net-1", cidr: "10.0.0.0/16" } }, mocks: bucketMocks },
    defaults: (result) => {
      const { region, sizeGb, versioning } = result.resource("test:storage:Bucket").inputs;
      return { region, sizeGb, versioning };
    },
    badArgs: { args: { sizeGb: 0 }, field: "sizeGb" },
    requiredInput: "network",
    generatedSecret: { name: "accessKey", used: (result) => result.resource("test:storage:Bucket").inputs.accessKey },
    secretOutputs: ["bucket", "$statusFields", "$pages", "$secrets"],
    plainOutputs: ["$terminals", "$triggers"],
    invalidOutput: {
      mocks: withState("test:storage:Bucket", () => ({ endpoint: "not a url" })),
      output: "bucket",
      path: "bucket.endpoint",
    },
  },
  {
    title: "Kubernetes Deployment (web app)",
    load: async () => (await import("./web-app.js")).default,
    options: { args: { image: "nginx:1.27" }, secretInputs: { cluster: { name: "lab", kubeconfig } } },
    defaults: (result) => {
      const deployment = result.resource("kubernetes:apps/v1:Deployment").inputs as {
        metadata: { namespace: string };
        spec: { replicas: number; template: { spec: { containers: Array<{ ports: Array<{ containerPort: number }> }> } } };
      };
      return {
        namespace: deployment.metadata.namespace,
        replicas: deployment.spec.replicas,
        port: deployment.spec.template.spec.containers[0]!.ports[0]!.containerPort,
      };
    },
    badArgs: { args: { image: "nginx", replicas: "three" }, field: "replicas" },
    requiredInput: "cluster",
    generatedSecret: {
      name: "adminPassword",
      used: (result) => (result.resource("kubernetes:core/v1:Secret").inputs.stringData as Record<string, unknown>).password,
    },
    secretOutputs: ["$terminals", "$secrets"],
    plainOutputs: ["workload", "$statusFields", "$pages", "$triggers"],
    invalidOutput: {
      mocks: withState("kubernetes:apps/v1:Deployment", (inputs) => ({ spec: { ...(inputs.spec as object), replicas: 0 } })),
      output: "workload",
      path: "workload.replicas",
    },
  },
  {
    title: "dynamic resource (DNS record)",
    load: async () => (await import("./dns-record.js")).default,
    options: {
      args: { name: "verify" },
      inputs: { zone: { zoneId: "zone-1", domain: "example.com" } },
      secrets: { apiToken: "api-token-0123456789" },
      mocks: recordMocks,
    },
    defaults: (result) => {
      const { ttl, apiUrl } = result.resource(recordType).inputs.inputs as Record<string, unknown>;
      return { ttl, apiUrl };
    },
    badArgs: { args: { name: "Not Valid!" }, field: "name" },
    requiredInput: "zone",
    generatedSecret: {
      name: "verificationToken",
      used: (result) => (result.resource(recordType).inputs.inputs as Record<string, unknown>).content,
    },
    secretOutputs: ["$statusFields", "$secrets"],
    plainOutputs: ["record", "$terminals", "$pages", "$triggers"],
    invalidOutput: {
      mocks: withState(recordType, () => ({ outputs: { recordId: "", fqdn: "verify.example.com" } })),
      output: "record",
      path: "record.id",
    },
  },
];

/** The defaults each scenario's args must show. */
export const expectedDefaults: Record<string, Record<string, unknown>> = {
  "plain resource (bucket)": { region: "eu-central-1", sizeGb: 10, versioning: false },
  "Kubernetes Deployment (web app)": { namespace: "default", replicas: 2, port: 8080 },
  "dynamic resource (DNS record)": { ttl: 300, apiUrl: "https://dns.example.com/api" },
};
