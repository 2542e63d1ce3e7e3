import { connectServer } from "@highstate/common/server";
import { defineUnit, resourceName } from "@highstate/pulumi";
import * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import * as pulumi from "@pulumi/pulumi";
import { createProxmoxProvider } from "../../shared/provider.js";
import { VmReplaceGuard } from "../../shared/replace-guard.js";
import { proxmoxVirtualMachine } from "./definition.js";
import { DiskSmallerThanImageError, ImageNeedsSshError, ImageOnOtherNodeError, NoVmAddressError, VmKeyPairMissingError } from "./errors.js";

/** The cloud-init vendor data that installs and starts the QEMU guest agent. */
export const guestAgentVendorData = `#cloud-config
packages:
  - qemu-guest-agent
runcmd:
  - [systemctl, enable, --now, qemu-guest-agent]
`;

/** The first non-loopback IPv4 address the guest agent reported. */
export function vmAddress(names: string[] | undefined, addresses: string[][] | undefined): string | undefined {
  for (const [index, list] of (addresses ?? []).entries()) {
    if (names?.[index] === "lo") continue;
    const address = list.find((entry) => !entry.startsWith("127.") && !entry.startsWith("169.254."));
    if (address) return address;
  }
  return undefined;
}

/**
 * Creates the VM (`proxmoxve.VmLegacy`) from the image with cloud-init (user + public key, network,
 * DNS, and vendor data installing the guest agent when the connection allows snippets), behind a
 * guard that refuses changes making Proxmox re-create it; waits for the address and SSH and outputs
 * the VM as a `common.server.v1` with its host key pinned. With `waitFor: "address"` (Talos) it waits
 * for the address only and outputs the server without SSH.
 */
export default defineUnit(proxmoxVirtualMachine, (unit) => {
  const { args, inputs } = unit;
  const keyPair = inputs.sshKeyPair;
  if (args.waitFor === "ssh" && !keyPair) throw new VmKeyPairMissingError(unit.name);
  const vmName = args.vmName ?? unit.name;
  const connection = inputs.connection;
  const plain = pulumi.unsecret(connection);
  const image = pulumi.unsecret(inputs.image);
  const nodeName = args.nodeName ?? plain.nodeName;
  const datastoreId = args.datastoreId ?? plain.datastoreId;

  const plan = pulumi.all([plain, image, nodeName]).apply(([conn, img, node]) => {
    if (img.nodeName !== node) throw new ImageOnOtherNodeError(unit.name, img.nodeName, node);
    if (img.contentType === "iso" && !conn.ssh) throw new ImageNeedsSshError(unit.name, img.id);
    // The file size is a lower bound of the image's virtual size; a disk below it certainly fails.
    if (img.size !== undefined && args.diskSize * 2 ** 30 < img.size)
      throw new DiskSmallerThanImageError(unit.name, args.diskSize, img.size);
    const snippets = args.installGuestAgent && conn.ssh && conn.snippetsDatastoreId ? conn.snippetsDatastoreId : undefined;
    return {
      diskSource: img.contentType === "import" ? { importFrom: img.id } : { fileId: img.id },
      isoImage: img.contentType === "iso" ? img.id : null,
      snippets,
      vendorDataFileId: snippets ? `${snippets}:snippets/${vmName}-vendor-data.yaml` : null,
    };
  });

  const provider = createProxmoxProvider(resourceName(unit), connection);
  const guard = new VmReplaceGuard(resourceName(unit, "replace-guard"), {
    inputs: {
      instance: unit.name,
      fields: { vmId: args.vmId ?? null, "image (iso disk)": plan.isoImage, "vendor data snippet": plan.vendorDataFileId },
      diskSize: args.diskSize,
      allowReplace: args.allowReplace,
    },
    credentials: {},
  });

  const vendorData = plan.apply((value) =>
    value.snippets
      ? new proxmoxve.FileLegacy(
          resourceName(unit, "vendor-data"),
          {
            nodeName,
            datastoreId: value.snippets,
            contentType: "snippets",
            sourceRaw: { data: guestAgentVendorData, fileName: `${vmName}-vendor-data.yaml` },
          },
          // The same file name before and after: delete first, or the old one's delete removes the new file.
          { provider, deleteBeforeReplace: true },
        )
      : undefined,
  );

  const publicKey = keyPair ? pulumi.unsecret(keyPair).apply((pair) => pair.publicKey) : undefined;
  const dhcp = args.network.type === "dhcp";
  const vm = new proxmoxve.VmLegacy(
    resourceName(unit),
    {
      name: vmName,
      nodeName,
      ...(args.vmId !== undefined ? { vmId: args.vmId } : {}),
      description: `Managed by Highstate (${unit.instance.id}).`,
      tags: ["highstate"],
      // A node change migrates the VM instead of re-creating it.
      migrate: true,
      started: true,
      onBoot: true,
      // Without a running agent a shutdown would wait for its timeout, holding the VM lock.
      stopOnDestroy: true,
      operatingSystem: { type: "l26" },
      agent: { enabled: true, timeout: "15m", ...(dhcp ? {} : { waitForIp: { disabled: true } }) },
      cpu: { cores: args.cores, type: args.cpuType },
      memory: { dedicated: args.memory },
      scsiHardware: "virtio-scsi-single",
      disks: [
        plan.apply((value) => ({
          interface: "virtio0",
          datastoreId,
          ...value.diskSource,
          size: args.diskSize,
          iothread: true,
          discard: "on",
        })),
      ],
      networkDevices: [{ bridge: args.bridge, model: "virtio", ...(args.vlanId !== undefined ? { vlanId: args.vlanId } : {}) }],
      initialization: {
        datastoreId,
        interface: "ide2",
        type: "nocloud",
        ipConfigs: [
          { ipv4: args.network.type === "dhcp" ? { address: "dhcp" } : { address: args.network.address, gateway: args.network.gateway } },
        ],
        ...(args.dns.length > 0 ? { dns: { servers: args.dns } } : {}),
        ...(publicKey ? { userAccount: { username: args.user, keys: [publicKey] } } : {}),
        vendorDataFileId: vendorData.apply((file) =>
          file ? (file.id as pulumi.Output<string | undefined>) : pulumi.output<string | undefined>(undefined),
        ),
      },
    },
    { provider, dependsOn: [guard] },
  );

  const endpoint =
    args.network.type === "static"
      ? pulumi.output(args.network.address.split("/")[0]!)
      : pulumi.all([vm.networkInterfaceNames, vm.ipv4Addresses]).apply(([names, addresses]) => {
          const address = vmAddress(names, addresses);
          if (!address) throw new NoVmAddressError(unit.name);
          return address;
        });
  const statusFields = {
    vmId: { value: vm.vmId, title: "VM ID" },
    nodeName: { value: vm.nodeName, title: "Node" },
    endpoint: { value: endpoint, title: "Address" },
  };
  const guestAgent = {
    value: plan.apply((value) => (value.snippets ? "installed by cloud-init" : "expected in the image")),
    title: "Guest Agent",
  };

  if (args.waitFor === "address") {
    // No SSH to wait for (Talos): the VM is ready for its consumer once it has its address.
    return {
      server: { hostname: vmName, endpoints: [endpoint] },
      $statusFields: { ...statusFields, hostname: { value: vmName, title: "Hostname" }, guestAgent },
    };
  }

  const server = connectServer(
    resourceName(unit, "ssh"),
    { endpoint, port: 22, user: args.user, keyPair: keyPair!, timeoutSeconds: args.sshTimeout },
    { dependsOn: [vm] },
  );

  return {
    server: server.server,
    $statusFields: { ...statusFields, hostname: { value: server.hostname, title: "Hostname" }, guestAgent },
    $terminals: [server.terminal],
  };
});
