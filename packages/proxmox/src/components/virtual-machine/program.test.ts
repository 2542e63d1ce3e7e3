import { serverSchema } from "@highstate/common";
import { generateSshKeyPair, sshFingerprint } from "@highstate/common/ssh";
import type { Unit } from "@highstate/pulumi";
import { runError, type TestUnitOptions, testUnit } from "@highstate/pulumi/test";
import * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import type * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import type { ImageInput } from "../../entities/image.js";
import { apiToken, connection } from "../../shared/__fixtures__/connection.js";
import { loadSerializedProvider } from "../../shared/__fixtures__/serialized.js";
import type { proxmoxVirtualMachine } from "./definition.js";

type VmUnit = Unit<typeof proxmoxVirtualMachine>;
let unit: VmUnit;

const tokenOf = (resource: unknown) => (resource as { __pulumiType: string }).__pulumiType;
const vmType = "proxmoxve:index/vmLegacy:VmLegacy";
const fileType = "proxmoxve:index/fileLegacy:FileLegacy";
const providerType = "pulumi:providers:proxmoxve";
const guardType = "pulumi-nodejs:dynamic/proxmox:VmReplaceGuard";
const probeType = "pulumi-nodejs:dynamic/common:ServerProbe";

const keyPair = generateSshKeyPair();
const hostKey = generateSshKeyPair().publicKey;
const image: ImageInput = { id: "local:import/noble-a1b2c3d4e5f6.qcow2", nodeName: "pve", datastoreId: "local", contentType: "import" };
const sshConnection = connection({
  snippetsDatastoreId: "local",
  ssh: { host: "10.0.0.2", port: 22, user: "root", privateKey: generateSshKeyPair().privateKey },
});

function mocks(addresses: string[][] = [["127.0.0.1"], ["192.168.1.77", "169.254.3.4"]]): TestUnitOptions<VmUnit["component"]>["mocks"] {
  return {
    newResource: (args) => {
      if (args.type === vmType)
        return { id: "123", state: { ...args.inputs, vmId: 123, networkInterfaceNames: ["lo", "eth0"], ipv4Addresses: addresses } };
      if (args.type === fileType) return { id: "local:snippets/web-vendor-data.yaml", state: { ...args.inputs } };
      if (args.type === probeType) {
        return {
          id: "probe",
          state: {
            ...args.inputs,
            outputs: { hostname: "web", hostKey, hostKeyType: "ed25519", hostKeyFingerprint: sshFingerprint(hostKey) },
          },
        };
      }
      return undefined;
    },
  };
}

beforeAll(async () => {
  unit = (await import("./program.js")).default;
});

describe("Virtual Machine under mocks", () => {
  it("uses the v8 SDK's type tokens", () => {
    expect(tokenOf(proxmoxve.VmLegacy)).toBe(vmType);
    expect(tokenOf(proxmoxve.FileLegacy)).toBe(fileType);
  });

  it("creates the VM from an import image with DHCP and the guest agent, and outputs it as a server", async () => {
    const result = await testUnit(unit, {
      name: "web",
      secretInputs: { connection: sshConnection, sshKeyPair: keyPair },
      inputs: { image },
      mocks: mocks(),
    });
    const provider = result.resource(providerType, "web");
    expect(provider.inputs).toMatchObject({ endpoint: "https://pve.example.com:8006", insecure: "true", apiToken });
    expect(provider.secretInputs).toEqual(expect.arrayContaining(["apiToken", "ssh"]));
    expect(JSON.parse(String(provider.inputs.ssh))).toMatchObject({
      username: "root",
      nodes: [{ name: "pve", address: "10.0.0.2", port: 22 }],
    });

    const snippet = result.resource(fileType, "web-vendor-data");
    expect(snippet.inputs).toMatchObject({
      nodeName: "pve",
      datastoreId: "local",
      contentType: "snippets",
      sourceRaw: { fileName: "web-vendor-data.yaml" },
    });
    expect((snippet.inputs.sourceRaw as { data: string }).data).toContain("qemu-guest-agent");

    const vm = result.resource(vmType, "web");
    expect(vm.provider).toContain("pulumi:providers:proxmoxve::web");
    expect(vm.inputs).toMatchObject({
      name: "web",
      nodeName: "pve",
      migrate: true,
      started: true,
      stopOnDestroy: true,
      agent: { enabled: true, timeout: "15m" },
      cpu: { cores: 2, type: "x86-64-v2-AES" },
      memory: { dedicated: 2048 },
      disks: [{ interface: "virtio0", datastoreId: "local-lvm", importFrom: image.id, size: 20, iothread: true, discard: "on" }],
      networkDevices: [{ bridge: "vmbr0", model: "virtio" }],
      initialization: {
        datastoreId: "local-lvm",
        type: "nocloud",
        ipConfigs: [{ ipv4: { address: "dhcp" } }],
        userAccount: { username: "admin", keys: [keyPair.publicKey] },
        vendorDataFileId: "local:snippets/web-vendor-data.yaml",
      },
    });
    expect(JSON.stringify(vm.inputs)).not.toContain(keyPair.privateKey.split("\n")[1]);

    const guard = result.resource(guardType, "web-replace-guard");
    expect(guard.inputs.inputs).toEqual({
      instance: "web",
      fields: { vmId: null, "image (iso disk)": null, "vendor data snippet": "local:snippets/web-vendor-data.yaml" },
      diskSize: 20,
      allowReplace: false,
    });

    const probe = result.resource(probeType, "web-ssh");
    expect(probe.inputs.inputs).toMatchObject({ host: "192.168.1.77", port: 22, user: "admin", timeoutSeconds: 600 });
    expect(probe.inputs.credentials).toEqual({ privateKey: keyPair.privateKey });
    expect(serverSchema.parse(result.outputs.server)).toEqual({
      hostname: "web",
      endpoints: ["192.168.1.77"],
      ssh: { host: "192.168.1.77", port: 22, user: "admin", hostKey, keyPair },
    });
    expect(result.outputs.$terminals).toMatchObject([{ type: "ssh", host: "192.168.1.77", user: "admin", hostKey }]);
    expect(result.secretOutputs.filter((name) => name !== "$secrets")).toEqual(["$terminals", "server"]);
    expect(result.outputs.$statusFields).toEqual([
      { name: "vmId", title: "VM ID", value: "123", secret: false },
      { name: "nodeName", title: "Node", value: "pve", secret: false },
      { name: "endpoint", title: "Address", value: "192.168.1.77", secret: false },
      { name: "hostname", title: "Hostname", value: "web", secret: false },
      { name: "guestAgent", title: "Guest Agent", value: "installed by cloud-init", secret: false },
    ]);
  });

  it("gives a static address with its explicit gateway and does not wait for the agent", async () => {
    const result = await testUnit(unit, {
      name: "db",
      args: {
        network: { type: "static", address: "192.168.1.50/24", gateway: "192.168.1.254" },
        dns: ["1.1.1.1"],
        cores: 4,
        memory: 8192,
        diskSize: 64,
        vmId: 150,
        vlanId: 20,
      },
      secretInputs: { connection: connection(), sshKeyPair: keyPair },
      inputs: { image },
      mocks: mocks([]),
    });
    const vm = result.resource(vmType, "db");
    expect(vm.inputs).toMatchObject({
      vmId: 150,
      agent: { enabled: true, waitForIp: { disabled: true } },
      cpu: { cores: 4 },
      memory: { dedicated: 8192 },
      disks: [{ size: 64 }],
      networkDevices: [{ vlanId: 20 }],
      initialization: { ipConfigs: [{ ipv4: { address: "192.168.1.50/24", gateway: "192.168.1.254" } }], dns: { servers: ["1.1.1.1"] } },
    });
    expect((vm.inputs.initialization as Record<string, unknown>).vendorDataFileId).toBeUndefined();
    expect(result.resources.some((resource) => resource.type === fileType)).toBe(false);
    expect(result.resource(probeType).inputs.inputs).toMatchObject({ host: "192.168.1.50" });
    expect(result.outputs.$statusFields).toContainEqual({
      name: "guestAgent",
      title: "Guest Agent",
      value: "expected in the image",
      secret: false,
    });
    expect(result.resource(guardType).inputs.inputs).toMatchObject({ fields: { vmId: 150 }, diskSize: 64 });
  });

  it("with waitFor address (Talos) waits only for the address: no SSH probe, no key pair needed, no terminal", async () => {
    const talos: ImageInput = { ...image, id: "local:iso/talos-v1.11.5-nocloud-amd64.iso", contentType: "iso" };
    const result = await testUnit(unit, {
      name: "talos-cp-1",
      args: { waitFor: "address", installGuestAgent: false, cores: 4, memory: 4096 },
      secretInputs: { connection: sshConnection },
      inputs: { image: talos },
      mocks: mocks(),
    });
    expect(result.resources.some((resource) => resource.type === probeType)).toBe(false);
    const vm = result.resource(vmType, "talos-cp-1");
    expect(vm.inputs).toMatchObject({ name: "talos-cp-1", agent: { enabled: true }, disks: [{ fileId: talos.id }] });
    const initialization = vm.inputs.initialization as Record<string, unknown>;
    expect(initialization).toMatchObject({ type: "nocloud", ipConfigs: [{ ipv4: { address: "dhcp" } }] });
    expect(initialization.userAccount).toBeUndefined();
    expect(initialization.vendorDataFileId).toBeUndefined();
    expect(serverSchema.parse(result.outputs.server)).toEqual({ hostname: "talos-cp-1", endpoints: ["192.168.1.77"] });
    expect(result.outputs.$terminals ?? []).toEqual([]);
    expect(result.outputs.$statusFields).toContainEqual({ name: "hostname", title: "Hostname", value: "talos-cp-1", secret: false });

    // A static address needs no agent at all, and a connected key pair is still authorised through cloud-init.
    const fixed = await testUnit(unit, {
      name: "talos-cp-2",
      args: { waitFor: "address", network: { type: "static", address: "192.168.1.61/24", gateway: "192.168.1.1" } },
      secretInputs: { connection: connection(), sshKeyPair: keyPair },
      inputs: { image },
      mocks: mocks([]),
    });
    expect(fixed.resources.some((resource) => resource.type === probeType)).toBe(false);
    expect(fixed.resource(vmType).inputs.initialization).toMatchObject({ userAccount: { keys: [keyPair.publicKey] } });
    expect(serverSchema.parse(fixed.outputs.server)).toEqual({ hostname: "talos-cp-2", endpoints: ["192.168.1.61"] });
  });

  it("refuses to wait for SSH without a key pair, saying what to connect or set", async () => {
    const error = await runError(
      testUnit(unit, { name: "web", secretInputs: { connection: connection() }, inputs: { image }, mocks: mocks() }),
    );
    expect(error.name).toBe("VmKeyPairMissingError");
    expect(error.message).toContain('Virtual Machine "web" waits for SSH ("waitFor": "ssh"), but its "sshKeyPair" input is not connected');
    expect(error.message).toContain('set "waitFor" to "address"');
  });

  it("uses an iso image through fileId only with SSH, and guards it", async () => {
    const iso: ImageInput = { ...image, id: "local:iso/noble.img", contentType: "iso" };
    const error = await runError(
      testUnit(unit, {
        name: "web",
        secretInputs: { connection: connection(), sshKeyPair: keyPair },
        inputs: { image: iso },
        mocks: mocks(),
      }),
    );
    expect(error.name).toBe("ImageNeedsSshError");
    expect(error.message).toContain('the image "local:iso/noble.img" is iso content');
    const result = await testUnit(unit, {
      name: "web",
      secretInputs: { connection: sshConnection, sshKeyPair: keyPair },
      inputs: { image: iso },
      mocks: mocks(),
    });
    expect(result.resource(vmType).inputs.disks).toEqual([
      { interface: "virtio0", datastoreId: "local-lvm", fileId: "local:iso/noble.img", size: 20, iothread: true, discard: "on" },
    ]);
    expect(result.resource(guardType).inputs.inputs).toMatchObject({ fields: { "image (iso disk)": "local:iso/noble.img" } });
  });

  it("refuses an image on another node, and a DHCP VM without an address", async () => {
    const other = await runError(
      testUnit(unit, {
        name: "web",
        secretInputs: { connection: connection(), sshKeyPair: keyPair },
        inputs: { image: { ...image, nodeName: "pve2" } },
        mocks: mocks(),
      }),
    );
    expect(other.message).toContain('runs on node "pve", but its image is on node "pve2"');
    const silent = await runError(
      testUnit(unit, {
        name: "web",
        secretInputs: { connection: connection(), sshKeyPair: keyPair },
        inputs: { image },
        mocks: mocks([["127.0.0.1"]]),
      }),
    );
    expect(silent.name).toBe("NoVmAddressError");
  });

  it("refuses a disk smaller than the image file", async () => {
    const error = await runError(
      testUnit(unit, {
        name: "web",
        args: { diskSize: 2 },
        secretInputs: { connection: connection(), sshKeyPair: keyPair },
        inputs: { image: { ...image, size: 3.5 * 2 ** 30 } },
        mocks: mocks(),
      }),
    );
    expect(error.name).toBe("DiskSmallerThanImageError");
    expect(error.message).toContain(
      'Virtual Machine "web": the "diskSize" arg (2 GiB) is smaller than the image file (3.50 GiB); Proxmox cannot shrink the imported disk. Set "diskSize" to at least 4.',
    );
  });

  it.each([
    [{ network: { type: "static", address: "192.168.1.50/24" } }, "network"],
    [{ network: { type: "static", address: "192.168.1.50", gateway: "192.168.1.1" } }, "network"],
    [{ memory: 64 }, "memory"],
    [{ vmName: "not a name" }, "vmName"],
    [{ user: "Root User" }, "user"],
    [{ waitFor: "talos" }, "waitFor"],
  ])("rejects bad args %j naming %s", async (args, field) => {
    const error = await runError(
      testUnit(unit, {
        args: args as never,
        secretInputs: { connection: connection(), sshKeyPair: keyPair },
        inputs: { image },
        mocks: mocks(),
      }),
    );
    expect(error.name).toBe("UnitArgsError");
    expect(error.message).toContain(`"${field}`);
  });
});

describe("the replace guard", () => {
  let guard: pulumi.dynamic.ResourceProvider;
  const state = (fields: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    inputs: {
      instance: "web",
      fields: { vmId: 100, "image (iso disk)": null, "vendor data snippet": "local:snippets/web-vendor-data.yaml", ...fields },
      diskSize: 20,
      allowReplace: false,
      ...extra,
    },
    credentials: {},
  });
  beforeAll(async () => {
    const result = await testUnit(unit, {
      name: "web",
      secretInputs: { connection: connection(), sshKeyPair: keyPair },
      inputs: { image },
      mocks: mocks(),
    });
    guard = loadSerializedProvider(String(result.resource(guardType).inputs.__provider));
  });

  it("sees no change when nothing replace-worthy changed", async () => {
    const created = await guard.create(state({}));
    expect((await guard.diff!(created.id, created.outs, state({}))).changes).toBe(false);
  });

  it("refuses a change that replaces the VM, naming the fields with their old and new values", async () => {
    const created = await guard.create(state({}));
    const olds = created.outs;
    await expect(
      guard.update!(created.id, olds, state({ vmId: 101, "vendor data snippet": "local:snippets/www-vendor-data.yaml" })),
    ).rejects.toThrow(
      'Virtual Machine "web" would be destroyed and re-created by Proxmox, because these fields changed: vmId (100 → 101), vendor data snippet ("local:snippets/web-vendor-data.yaml" → "local:snippets/www-vendor-data.yaml"). Nothing was changed. Undo the change, or set the "allowReplace" arg',
    );
    const allowed = await guard.update!(created.id, olds, state({ vmId: 101 }, { allowReplace: true }));
    expect(allowed.outs).toMatchObject({ inputs: { fields: { vmId: 101 } } });
  });

  it("refuses a smaller disk even when replacing is allowed", async () => {
    const created = await guard.create(state({}));
    await expect(guard.update!(created.id, created.outs, state({}, { diskSize: 10, allowReplace: true }))).rejects.toThrow(
      'Virtual Machine "web": the disk cannot shrink from 20 GiB to 10 GiB',
    );
    await expect(guard.update!(created.id, created.outs, state({}, { diskSize: 40 }))).resolves.toBeDefined();
  });
});

describe("the replace guard in a deployment", () => {
  it("fails the second run before the VM is registered when vmId changes, and lets it through with allowReplace", async () => {
    let stored: { id: string; outs: Record<string, unknown> } | undefined;
    const registered: string[] = [];
    /** Runs the guard's real provider with the state of the previous run, as the engine would. */
    const engineMocks = (): TestUnitOptions<VmUnit["component"]>["mocks"] => ({
      newResource: async (args) => {
        registered.push(args.type);
        if (args.type !== guardType) return mocks()!.newResource!(args);
        const provider = loadSerializedProvider(String(args.inputs.__provider));
        const news = { inputs: args.inputs.inputs, credentials: args.inputs.credentials };
        if (!stored) {
          const created = await provider.create(news);
          stored = { id: created.id, outs: created.outs as Record<string, unknown> };
        } else if ((await provider.diff!(stored.id, stored.outs, news)).changes) {
          stored = { id: stored.id, outs: (await provider.update!(stored.id, stored.outs, news)).outs as Record<string, unknown> };
        }
        return { id: stored.id, state: { ...stored.outs } };
      },
    });
    const run = (args: Record<string, unknown>) =>
      testUnit(unit, {
        name: "web",
        args: args as never,
        secretInputs: { connection: connection(), sshKeyPair: keyPair },
        inputs: { image },
        mocks: engineMocks(),
      });

    await run({ vmId: 100 });
    expect(registered).toContain(vmType);
    registered.length = 0;
    const error = await runError(run({ vmId: 101 }));
    expect(error.message).toContain(
      'Virtual Machine "web" would be destroyed and re-created by Proxmox, because this field changed: vmId (100 → 101)',
    );
    expect(registered).toContain(guardType);
    expect(registered).not.toContain(vmType);

    registered.length = 0;
    await run({ vmId: 101, allowReplace: true });
    expect(registered).toContain(vmType);
  });
});
