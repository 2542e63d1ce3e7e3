/** Thrown when an `iso` image is used without SSH access to the node, which Proxmox needs to import it. */
export class ImageNeedsSshError extends Error {
  override name = "ImageNeedsSshError";

  constructor(
    readonly instance: string,
    readonly imageId: string,
  ) {
    super(
      `Virtual Machine "${instance}": the image "${imageId}" is iso content, which the provider can only turn into a disk over SSH; enable SSH on the Proxmox Connection, or use an image stored as import content (Proxmox VE 8.4 and later).`,
    );
  }
}

/** Thrown when the image is on another node than the VM. */
export class ImageOnOtherNodeError extends Error {
  override name = "ImageOnOtherNodeError";

  constructor(
    readonly instance: string,
    readonly imageNode: string,
    readonly vmNode: string,
  ) {
    super(
      `Virtual Machine "${instance}" runs on node "${vmNode}", but its image is on node "${imageNode}": download the image to "${vmNode}" (the Image's "nodeName" arg), or set this VM's "nodeName" to "${imageNode}".`,
    );
  }
}

/** Thrown when the guest agent reported no usable address for a DHCP VM. */
export class NoVmAddressError extends Error {
  override name = "NoVmAddressError";

  constructor(readonly instance: string) {
    super(
      `Virtual Machine "${instance}" reported no IPv4 address: the QEMU guest agent must run in the VM for DHCP. Keep "installGuestAgent" on with a connection that has SSH and a snippets datastore, use an image that ships qemu-guest-agent, or give the VM a static address.`,
    );
  }
}

/** Thrown when the disk size is smaller than the image file, which Proxmox would refuse to shrink to. */
export class DiskSmallerThanImageError extends Error {
  override name = "DiskSmallerThanImageError";

  constructor(
    readonly instance: string,
    readonly diskSize: number,
    readonly imageBytes: number,
  ) {
    super(
      `Virtual Machine "${instance}": the "diskSize" arg (${diskSize} GiB) is smaller than the image file (${(imageBytes / 2 ** 30).toFixed(2)} GiB); Proxmox cannot shrink the imported disk. Set "diskSize" to at least ${Math.ceil(imageBytes / 2 ** 30)}.`,
    );
  }
}

/** Thrown when the VM should wait for SSH but has no key pair to log in with. */
export class VmKeyPairMissingError extends Error {
  override name = "VmKeyPairMissingError";

  constructor(readonly instance: string) {
    super(
      `Virtual Machine "${instance}" waits for SSH ("waitFor": "ssh"), but its "sshKeyPair" input is not connected: connect an SSH Key Pair, or set "waitFor" to "address" for a guest without SSH such as Talos Linux.`,
    );
  }
}
