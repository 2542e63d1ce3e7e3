import { defineEntity, z } from "@highstate/contract";

/** A disk image on a Proxmox datastore, ready to create virtual machines from. */
export const imageSchema = z
  .object({
    /** The Proxmox volume id, `<datastore>:<content>/<file>`, for example `local:import/noble-3f2a.qcow2`. */
    id: z.string().regex(/^[^:\s]+:(import|iso)\/\S+$/, "must be a volume id such as local:import/debian-12.qcow2"),
    /** The node whose datastore holds the image. */
    nodeName: z.string().min(1),
    /** The datastore holding the image. */
    datastoreId: z.string().min(1),
    /** `import` images are imported through the API; `iso` ones need SSH access to the node. */
    contentType: z.enum(["import", "iso"]),
    /** The file's size in bytes, when known. */
    size: z.number().int().nonnegative().optional(),
    /** The checksum the image was verified with, when it was downloaded by Highstate. */
    checksum: z
      .object({
        /** The algorithm: `sha256` or `sha512`. */
        algorithm: z.enum(["sha256", "sha512"]),
        /** The checksum in lower-case hex. */
        value: z.string().regex(/^[0-9a-f]+$/),
      })
      .strict()
      .optional(),
  })
  .strict();
export type Image = z.output<typeof imageSchema>;
export type ImageInput = z.input<typeof imageSchema>;

/** A disk image on a Proxmox datastore. */
export const imageEntity = defineEntity({
  type: "proxmox.image.v1",
  schema: imageSchema,
  meta: { title: "Proxmox Image", color: "#b35900", icon: "mdi:harddisk" },
});
