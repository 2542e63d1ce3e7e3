import { defineComponent, z } from "@highstate/contract";
import { connectionEntity } from "../../entities/connection.js";
import { imageEntity } from "../../entities/image.js";

/** A disk image that is already on a Proxmox datastore. */
export const proxmoxExistingImage = defineComponent({
  type: "proxmox.existing-image.v1",
  args: {
    /**
     * The volume id of the image, `<datastore>:<content>/<file>` as the datastore's content list shows it,
     * for example `local:import/debian-12-genericcloud-amd64.qcow2` or `local:iso/noble.img`.
     */
    id: z
      .string()
      .regex(/^[^:\s]+:(import|iso)\/\S+$/, "must be a volume id of import or iso content, such as local:import/debian-12.qcow2"),
    /** The node whose datastore holds the image; the connection's default node when left empty. */
    nodeName: z.string().min(1).optional(),
  },
  inputs: {
    /** The Proxmox connection to check the image with. */
    connection: connectionEntity,
  },
  outputs: {
    /** The image, checked to be on the datastore. */
    image: imageEntity,
  },
  meta: {
    title: "Existing Image",
    description: "A disk image already on a Proxmox datastore; Highstate checks that it is there.",
    icon: "mdi:harddisk",
    category: "Proxmox",
  },
  source: { package: "@highstate/proxmox", path: "existing-image" },
});
