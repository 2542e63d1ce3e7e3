import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { SecretsBundle } from "../pki/secrets.js";
import { golden, talosSchemaErrors } from "./__fixtures__/json-schema.js";
import { generateMachineConfig, type MachineConfigDocument, type MachineConfigOptions } from "./generate.js";
import { applyConfigPatches, parseConfigPatch } from "./patch.js";
import { parseMachineConfig, renderMachineConfig } from "./render.js";
import { validateMachineConfig } from "./schema.js";

// biome-ignore lint/suspicious/noExplicitAny: the tests reach deep into parsed YAML.
type Tree = Record<string, any>;
type Golden = { machine: Tree; cluster: Tree; persist?: boolean };

/** The secrets bundle Talos's stability goldens were generated from, read back out of the control-plane golden. */
function bundleOfGolden(): SecretsBundle {
  const cp = parse(golden("base-controlplane.yaml")) as Golden;
  return {
    cluster: { id: cp.cluster.id, secret: cp.cluster.secret },
    secrets: { bootstrapToken: cp.cluster.token, secretboxEncryptionSecret: cp.cluster.secretboxEncryptionSecret },
    trustdinfo: { token: cp.machine.token },
    certs: {
      etcd: { cert: cp.cluster.etcd.ca.crt, key: cp.cluster.etcd.ca.key },
      k8s: { cert: cp.cluster.ca.crt, key: cp.cluster.ca.key },
      k8sAggregator: { cert: cp.cluster.aggregatorCA.crt, key: cp.cluster.aggregatorCA.key },
      k8sServiceaccount: { key: cp.cluster.serviceAccount.key },
      os: { cert: cp.machine.ca.crt, key: cp.machine.ca.key },
    },
  };
}

/** A golden without the deprecated top-level `persist`, which this package does not emit. */
function goldenWithoutPersist(name: string): MachineConfigDocument {
  const document = parse(golden(name)) as Golden;
  expect(document.persist).toBe(true);
  delete document.persist;
  return document as MachineConfigDocument;
}

const base = (type: "controlplane" | "worker"): MachineConfigOptions => ({
  type,
  clusterName: "base",
  endpoint: "https://base:6443",
  kubernetesVersion: "1.28.0",
  secrets: bundleOfGolden(),
});

/** The options and patch Talos's `overrides-*` goldens were made with. */
const overrides = (type: "controlplane" | "worker"): MachineConfigOptions => ({
  ...base(type),
  additionalSans: ["foo", "bar"],
  allowSchedulingOnControlPlanes: true,
  dnsDomain: "example.com",
  install: { disk: "/dev/vda", extraKernelArgs: ["foo=bar", "bar=baz"] },
  localApiServerPort: 5443,
  cni: { name: "custom", urls: ["https://example.com/cni.yaml"] },
});
const overridesPatch = `
machine:
  kubelet:
    extraMounts:
      - destination: /var/opt
        type: bind
        source: /var/opt
        options: [rshared]
  sysctls:
    foo: bar
  registries:
    mirrors:
      ghcr.io:
        endpoints: [https://ghcr.io.my-mirror.com]
`;

describe("generateMachineConfig", () => {
  it.each(["controlplane", "worker"] as const)("reproduces Talos 1.11's %s stability golden (less persist)", (type) => {
    expect(generateMachineConfig(base(type))).toEqual(goldenWithoutPersist(`base-${type}.yaml`));
  });

  it.each(["controlplane", "worker"] as const)(
    "reproduces Talos 1.11's %s overrides golden through options and a strategic-merge patch",
    (type) => {
      const generated = generateMachineConfig(overrides(type));
      const patched = applyConfigPatches(
        [generated],
        [{ patch: parseConfigPatch(overridesPatch, "the test patch"), what: "the test patch" }],
      );
      expect(patched).toEqual([goldenWithoutPersist(`overrides-${type}.yaml`)]);
    },
  );

  it("makes masters schedulable only when asked, and only on control-plane configs", () => {
    expect(generateMachineConfig(base("controlplane")).cluster).not.toHaveProperty("allowSchedulingOnControlPlanes");
    const cp = generateMachineConfig({ ...base("controlplane"), allowSchedulingOnControlPlanes: true });
    expect((cp.cluster as Golden["cluster"]).allowSchedulingOnControlPlanes).toBe(true);
    expect(JSON.stringify(cp)).not.toContain("allowSchedulingOnMasters");
    expect(generateMachineConfig({ ...base("worker"), allowSchedulingOnControlPlanes: true }).cluster).not.toHaveProperty(
      "allowSchedulingOnControlPlanes",
    );
  });

  it("turns the CNI off and kube-proxy off for Cilium's kube-proxy replacement", () => {
    for (const type of ["controlplane", "worker"] as const) {
      const config = generateMachineConfig({ ...base(type), cni: { name: "none" }, kubeProxyDisabled: true }) as Golden;
      expect(config.cluster.network.cni).toEqual({ name: "none" });
      expect(config.cluster.proxy.disabled).toBe(true);
      expect(talosSchemaErrors([config as MachineConfigDocument])).toEqual([]);
      validateMachineConfig([config as MachineConfigDocument], type);
    }
  });

  it("keeps every CA key out of worker configs", () => {
    const text = JSON.stringify(generateMachineConfig(base("worker")));
    const bundle = bundleOfGolden();
    for (const key of [
      bundle.certs.os.key,
      bundle.certs.k8s.key,
      bundle.certs.etcd.key,
      bundle.certs.k8sAggregator.key,
      bundle.certs.k8sServiceaccount.key,
    ]) {
      expect(text).not.toContain(key);
    }
    expect(text).not.toContain(bundle.secrets.secretboxEncryptionSecret);
  });

  it.each([
    ["http://base:6443", /must be https:\/\/host:port/],
    ["https://base", /explicit port/],
    ["not a url", /is not a URL/],
  ])("rejects the endpoint %s", (endpoint, message) => {
    expect(() => generateMachineConfig({ ...base("worker"), endpoint })).toThrow(message);
  });

  it("keeps an explicit port 443 in the endpoint", () => {
    const config = generateMachineConfig({ ...base("controlplane"), endpoint: "https://k8s.example.com:443" }) as Golden;
    expect(config.cluster.controlPlane.endpoint).toBe("https://k8s.example.com:443");
    expect(config.cluster.apiServer.certSANs).toEqual(["k8s.example.com"]);
  });

  it("puts an IPv6 endpoint's address, without brackets, in the API server SANs", () => {
    const config = generateMachineConfig({ ...base("controlplane"), endpoint: "https://[2001:db8::10]:6443" }) as Golden;
    expect(config.cluster.apiServer.certSANs).toEqual(["2001:db8::10"]);
  });
});

describe("validation", () => {
  const variants: Array<[string, MachineConfigOptions]> = [
    ["base control plane", base("controlplane")],
    ["base worker", base("worker")],
    ["overrides control plane", overrides("controlplane")],
    ["overrides worker", overrides("worker")],
    ["flannel, installer image", { ...base("controlplane"), install: { disk: "/dev/sda", image: "ghcr.io/siderolabs/installer:v1.11.5" } }],
  ];

  it.each(variants)("accepts the generated %s config with zod and with Talos's JSON Schema, document by document", (_label, options) => {
    const documents = [generateMachineConfig(options)];
    expect(() => validateMachineConfig(documents, "x")).not.toThrow();
    expect(talosSchemaErrors(documents)).toEqual([]);
  });

  it("rejects Talos's own goldens as they are, because of the legacy top-level persist key (both validators agree)", () => {
    const documents = [parse(golden("base-controlplane.yaml")) as MachineConfigDocument];
    expect(() => validateMachineConfig(documents, 'of node "a"')).toThrow(
      /The machine config of node "a" is not valid: document 1 \(v1alpha1\) "\/": .*"persist"/,
    );
    expect(talosSchemaErrors(documents)).toEqual(['v1alpha1.Config / must NOT have additional properties "persist"']);
  });

  it.each([
    ["cluster.allowSchedulingOnMasters", { cluster: { allowSchedulingOnMasters: true } }, "allowSchedulingOnMasters"],
    ["machine.persist", { machine: { persist: true } }, "persist"],
    ["machine.disks", { machine: { disks: [{ device: "/dev/sdb" }] } }, "disks"],
  ])("rejects the legacy key %s with zod and the JSON Schema", (_label, patch, key) => {
    const [document] = applyConfigPatches(
      [generateMachineConfig(base("controlplane"))],
      [{ patch: { kind: "strategic", documents: [patch] }, what: "t" }],
    );
    expect(() => validateMachineConfig([document!], "x")).toThrow(new RegExp(`"${key}"`));
    expect(talosSchemaErrors([document!]).join("\n")).toContain(`additional properties "${key}"`);
  });

  it("rejects CA keys on a worker and their absence on a control-plane node", () => {
    const worker = generateMachineConfig(base("worker")) as Golden;
    worker.machine.ca.key = bundleOfGolden().certs.os.key;
    expect(() => validateMachineConfig([worker as MachineConfigDocument], 'of worker "w"')).toThrow(
      /"machine.ca.key": must be empty on a worker/,
    );
    const cp = generateMachineConfig(base("controlplane")) as Golden;
    cp.cluster.ca.key = "";
    delete cp.cluster.etcd;
    expect(() => validateMachineConfig([cp as MachineConfigDocument], "x")).toThrow(
      /"cluster.ca.key": is required on a control-plane node; .*"cluster.etcd": is required/,
    );
  });

  it("rejects a second v1alpha1 document and URLs for a non-custom CNI", () => {
    const config = generateMachineConfig({ ...base("worker"), cni: { name: "none" } }) as Golden;
    config.cluster.network.cni.urls = ["https://example.com/cni.yaml"];
    expect(() => validateMachineConfig([config as MachineConfigDocument, config as MachineConfigDocument], "x")).toThrow(
      /exactly one v1alpha1 document.*"cluster.network.cni.urls": urls are only allowed with the custom CNI/,
    );
  });
});

describe("patches", () => {
  const cp = () => generateMachineConfig(base("controlplane"));
  const patchWith = (documents: MachineConfigDocument[], text: string) =>
    applyConfigPatches(documents, [{ patch: parseConfigPatch(text, 'arg "sharedConfigPatch"'), what: 'arg "sharedConfigPatch"' }]);

  it("appends to lists, replaces subnets and scalars, and keeps values a zero value would not replace", () => {
    const [patched] = patchWith(
      [cp()],
      `
machine:
  certSANs: [lb.example.com]
  install: { disk: "" , wipe: true }
cluster:
  network:
    podSubnets: [10.100.0.0/16]
  apiServer:
    certSANs: [lb.example.com]
`,
    ) as [Golden];
    expect(patched.machine.certSANs).toEqual(["lb.example.com"]);
    expect(patched.cluster.apiServer.certSANs).toEqual(["base", "lb.example.com"]);
    expect(patched.cluster.network.podSubnets).toEqual(["10.100.0.0/16"]);
    expect(patched.cluster.network.serviceSubnets).toEqual(["10.96.0.0/12"]);
    expect(patched.machine.install).toEqual({ wipe: true, disk: "" });
    expect(talosSchemaErrors([patched as MachineConfigDocument])).toEqual([]);
  });

  it("merges network interfaces by name and admission plugins by name", () => {
    const first = patchWith(
      [cp()],
      "machine:\n  network:\n    interfaces:\n      - interface: eth0\n        dhcp: true\n      - interface: eth1\n        addresses: [10.0.0.5/24]\n",
    );
    const [patched] = patchWith(
      first,
      "machine:\n  network:\n    interfaces:\n      - interface: eth1\n        mtu: 9000\ncluster:\n  apiServer:\n    admissionControl:\n      - name: PodSecurity\n        configuration:\n          defaults:\n            enforce: restricted\n",
    ) as [Golden];
    expect(patched.machine.network.interfaces).toEqual([
      { interface: "eth0", dhcp: true },
      { interface: "eth1", addresses: ["10.0.0.5/24"], mtu: 9000 },
    ]);
    expect(patched.cluster.apiServer.admissionControl).toHaveLength(1);
    expect(patched.cluster.apiServer.admissionControl[0].configuration.defaults).toMatchObject({
      enforce: "restricted",
      audit: "restricted",
    });
    expect(talosSchemaErrors([patched as MachineConfigDocument])).toEqual([]);
  });

  it("deletes a subtree with $patch: delete and appends or deletes whole documents", () => {
    const withVolume = patchWith(
      [cp()],
      `
machine:
  features:
    hostDNS:
      $patch: delete
---
apiVersion: v1alpha1
kind: UserVolumeConfig
name: local-path-provisioner
provisioning:
  diskSelector:
    match: disk.transport == "nvme"
  minSize: 10GiB
`,
    );
    expect(withVolume).toHaveLength(2);
    expect((withVolume[0] as Golden).machine.features).not.toHaveProperty("hostDNS");
    expect(withVolume[1]).toMatchObject({ kind: "UserVolumeConfig", name: "local-path-provisioner" });
    expect(talosSchemaErrors(withVolume)).toEqual([]);
    expect(() => validateMachineConfig(withVolume, "x")).not.toThrow();
    const text = renderMachineConfig(withVolume);
    expect(text.split("\n---\n")).toHaveLength(2);
    expect(parseMachineConfig(text, "x")).toEqual(withVolume);

    const removed = patchWith(withVolume, "apiVersion: v1alpha1\nkind: UserVolumeConfig\nname: local-path-provisioner\n$patch: delete\n");
    expect(removed).toHaveLength(1);
    expect(() => patchWith(removed, "apiVersion: v1alpha1\nkind: UserVolumeConfig\nname: gone\n$patch: delete\n")).toThrow(
      /deletes document "v1alpha1\/UserVolumeConfig\/gone"/,
    );
  });

  it("applies JSON 6902 patches to a single-document config and refuses them on several documents", () => {
    const [patched] = patchWith(
      [cp()],
      `
- op: replace
  path: /machine/install/wipe
  value: true
- op: add
  path: /machine/certSANs/-
  value: talos.example.com
- op: remove
  path: /machine/nodeLabels
- op: test
  path: /cluster/clusterName
  value: base
`,
    ) as [Golden];
    expect(patched.machine.install.wipe).toBe(true);
    expect(patched.machine.certSANs).toEqual(["talos.example.com"]);
    expect(patched.machine).not.toHaveProperty("nodeLabels");
    expect(() => patchWith([cp()], "- op: test\n  path: /cluster/clusterName\n  value: other\n")).toThrow(
      /arg "sharedConfigPatch" cannot test "\/cluster\/clusterName": the value differs/,
    );
    expect(() => patchWith([cp()], "- op: remove\n  path: /machine/nope/x\n")).toThrow(/"nope" does not exist/);
    expect(() =>
      patchWith([cp(), { apiVersion: "v1alpha1", kind: "KmsgLogConfig", name: "x" }], "- op: remove\n  path: /machine/nodeLabels\n"),
    ).toThrow(/only work on single-document machine configs/);
  });

  it.each([
    ["machine: [unclosed", /arg "sharedConfigPatch" is not valid YAML/],
    ["- op: frobnicate\n  path: /x\n", /Operation 1 of the JSON patch in arg "sharedConfigPatch" needs "op"/],
    ["just a string", /Document 1 of the config patch in arg "sharedConfigPatch" is not a mapping/],
  ])("explains a bad patch %j", (text, message) => {
    expect(() => parseConfigPatch(text, 'arg "sharedConfigPatch"')).toThrow(message);
  });

  it("leaves the input documents untouched", () => {
    const original = cp();
    const copy = structuredClone(original);
    patchWith([original], "machine:\n  certSANs: [x]\n");
    expect(original).toEqual(copy);
  });
});
