import { serverEntity, sshKeyPairEntity } from "@highstate/common";
import { defineComponent, z } from "@highstate/contract";
import { connectionEntity } from "../../entities/connection.js";
import { imageEntity } from "../../entities/image.js";

/** How the VM's first network interface gets its address. */
export const vmNetworkSchema = z.discriminatedUnion("type", [
  z
    .object({
      /** The address comes from DHCP; the guest agent reports it. */
      type: z.literal("dhcp"),
    })
    .strict(),
  z
    .object({
      /** A fixed address. */
      type: z.literal("static"),
      /** The address with its prefix length, for example `192.168.1.50/24`. */
      address: z.cidrv4({ error: "must be an IPv4 address with a prefix length, such as 192.168.1.50/24" }),
      /** The default gateway, for example `192.168.1.1`; never guessed. */
      gateway: z.ipv4(),
    })
    .strict(),
]);
export type VmNetwork = z.output<typeof vmNetworkSchema>;

/**
 * What the VM is waiting for before it counts as created: `ssh` logs in with the key pair and pins the
 * host key; `address` only waits for the VM's address, for guests that offer no SSH (Talos Linux).
 */
export const vmWaitForSchema = z.enum(["ssh", "address"]);
export type VmWaitFor = z.output<typeof vmWaitForSchema>;

/** A virtual machine on Proxmox VE, created from an image with cloud-init, reachable over SSH (or, for Talos, at its address). */
export const proxmoxVirtualMachine = defineComponent({
  type: "proxmox.virtual-machine.v1",
  args: {
    /** The VM's name in Proxmox and its host name. Defaults to the instance name. */
    vmName: z.hostname().optional(),
    /** The VM id. Leave it empty to take the next free one. Changing it replaces the VM. */
    vmId: z.number().int().min(100).max(999_999_999).optional(),
    /** The node to run on; the connection's default node when left empty. Changing it replaces the VM. */
    nodeName: z.string().min(1).optional(),
    /** The datastore for the disk and the cloud-init drive; the connection's default when left empty. */
    datastoreId: z.string().min(1).optional(),
    /** CPU cores. */
    cores: z.number().int().min(1).max(512).default(2),
    /** The CPU type; `host` passes the host CPU through (fastest, but blocks migration between different CPUs). */
    cpuType: z.string().min(1).default("x86-64-v2-AES"),
    /** Memory in MiB. */
    memory: z.number().int().min(256).default(2048),
    /** Disk size in GiB; at least the image's size. It can grow later, never shrink. */
    diskSize: z.number().int().min(1).default(20),
    /** The network of the first interface: DHCP, or a static address with an explicit gateway. */
    network: vmNetworkSchema.default({ type: "dhcp" }),
    /** DNS servers for cloud-init; the DHCP ones (or the image's defaults) when empty. */
    dns: z.array(z.union([z.ipv4(), z.ipv6()])).default([]),
    /** The Linux bridge the interface is attached to. */
    bridge: z.string().min(1).default("vmbr0"),
    /** A VLAN tag for the interface. */
    vlanId: z.number().int().min(1).max(4094).optional(),
    /** The user cloud-init creates with the key pair's public key (and passwordless sudo). */
    user: z
      .string()
      .regex(/^[a-z_][a-z0-9_-]*$/, "must be a Linux user name such as admin")
      .default("admin"),
    /**
     * Install and start the QEMU guest agent through cloud-init vendor data (needs a connection with a
     * snippets datastore and SSH). Turn it off for images that already ship the agent.
     */
    installGuestAgent: z.boolean().default(true),
    /**
     * What to wait for once the VM starts. `ssh` (the default) logs in with the key pair, reads the
     * host name, pins the host key and offers a terminal. `address` waits only for the VM's address (from
     * the guest agent with DHCP, or the static address) and outputs a server without SSH: choose it for
     * Talos Linux, which never runs an SSH server — its nodes are configured over the Talos API by the
     * Talos Cluster. With `address` the key pair is optional and the host name is the VM name.
     */
    waitFor: vmWaitForSchema.default("ssh"),
    /** How long to wait for SSH after the VM starts, in seconds (with `waitFor: "ssh"`). */
    sshTimeout: z.number().int().min(30).max(3600).default(600),
    /**
     * Allow changes that make Proxmox destroy and re-create the VM (node, VM id, disk from an iso image,
     * cloud-init type or vendor data). Without it such a change fails before anything is touched.
     */
    allowReplace: z.boolean().default(false),
  },
  inputs: {
    /** The Proxmox connection to create the VM with. */
    connection: connectionEntity,
    /** The disk image the VM's disk is created from. */
    image: imageEntity,
    /**
     * The key pair whose public key is authorised for the VM's user, and which Highstate logs in with.
     * Required with `waitFor: "ssh"`; optional with `waitFor: "address"`.
     */
    sshKeyPair: { entity: sshKeyPairEntity, required: false },
  },
  outputs: {
    /** The VM as a server, with its host key pinned. */
    server: serverEntity,
  },
  meta: {
    title: "Virtual Machine",
    description:
      "A Proxmox VM from an image with cloud-init: waits for its address and SSH (or only its address, for Talos), and outputs it as a server. Changes that would re-create the VM are refused unless allowed.",
    icon: "mdi:monitor",
    category: "Proxmox",
  },
  source: { package: "@highstate/proxmox", path: "virtual-machine" },
});
