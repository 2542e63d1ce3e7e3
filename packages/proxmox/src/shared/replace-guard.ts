import { type DynamicProvider, defineDynamicResource } from "@highstate/pulumi";

/** The inputs of a {@link VmReplaceGuard}. */
export interface ReplaceGuardInputs {
  /** The instance, for messages. */
  instance: string;
  /** The values whose change makes Proxmox replace the VM, keyed by what the user calls them. */
  fields: Record<string, string | number | null>;
  /** The disk size in GiB, which may grow but never shrink. */
  diskSize: number;
  /** Whether a replacement is allowed. */
  allowReplace: boolean;
}

const provider: DynamicProvider<ReplaceGuardInputs, Record<string, never>, Record<string, never>> = {
  async create(inputs) {
    return { id: inputs.instance, outputs: {} };
  },
  async update(_id, olds, news) {
    const before = olds.inputs.fields;
    const after = news.fields;
    const show = (value: unknown) => (value === null || value === undefined ? "none" : JSON.stringify(value));
    const changed = [...new Set([...Object.keys(before), ...Object.keys(after)])]
      .filter((key) => show(before[key]) !== show(after[key]))
      .map((key) => `${key} (${show(before[key])} → ${show(after[key])})`);
    if (changed.length > 0 && !news.allowReplace) {
      const error = new Error(
        `Virtual Machine "${news.instance}" would be destroyed and re-created by Proxmox, because ${changed.length === 1 ? "this field changed" : "these fields changed"}: ${changed.join(", ")}. Nothing was changed. Undo the change, or set the "allowReplace" arg to let Proxmox re-create the VM (its disk and data are lost).`,
      );
      error.name = "VmReplaceRefusedError";
      throw error;
    }
    if (news.diskSize < olds.inputs.diskSize) {
      const error = new Error(
        `Virtual Machine "${news.instance}": the disk cannot shrink from ${olds.inputs.diskSize} GiB to ${news.diskSize} GiB (Proxmox only grows disks). Set "diskSize" back to at least ${olds.inputs.diskSize}.`,
      );
      error.name = "VmDiskShrinkError";
      throw error;
    }
    return {};
  },
};

/**
 * Stands before a VM (which depends on it) and holds the values whose change makes Proxmox destroy
 * and re-create the VM. When one of them changes, its update fails the deployment with the fields and
 * their old and new values — before the VM is touched — unless `allowReplace` is set. It also refuses
 * a smaller disk.
 */
export const VmReplaceGuard = defineDynamicResource<ReplaceGuardInputs, Record<string, never>, Record<string, never>>({
  module: "proxmox",
  type: "VmReplaceGuard",
  provider,
});
