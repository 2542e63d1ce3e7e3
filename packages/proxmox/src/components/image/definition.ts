import { defineComponent, z } from "@highstate/contract";
import { connectionEntity } from "../../entities/connection.js";
import { imageEntity } from "../../entities/image.js";

/** A cloud image Proxmox downloads from a URL to a datastore, verified against its checksum. */
export const proxmoxImage = defineComponent({
  type: "proxmox.image.v1",
  args: {
    /** The image's download URL, for example `https://cloud-images.ubuntu.com/noble/current/noble-server-cloudimg-amd64.img`. */
    url: z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" }),
    /** The image's SHA-256 checksum (64 hex digits, from the publisher's SHA256SUMS). Set this or "sha512". */
    sha256: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, "must be 64 hexadecimal digits")
      .optional(),
    /** The image's SHA-512 checksum (128 hex digits, from the publisher's SHA512SUMS). Set this or "sha256". */
    sha512: z
      .string()
      .regex(/^[0-9a-fA-F]{128}$/, "must be 128 hexadecimal digits")
      .optional(),
    /**
     * The file name on the datastore. Leave it empty to derive it from the URL, with the start of the
     * checksum added and the extension the content type needs (`.qcow2` for import, `.img` for iso).
     */
    fileName: z
      .string()
      .regex(
        /^[A-Za-z0-9_.-]+\.(qcow2|raw|vmdk|img|iso)$/,
        "must be a file name of letters, digits, _ . - ending .qcow2, .raw, .vmdk, .img or .iso",
      )
      .optional(),
    /** The node to download to; the connection's default node when left empty. */
    nodeName: z.string().min(1).optional(),
    /** The datastore to download to; the connection's image datastore when left empty. */
    datastoreId: z.string().min(1).optional(),
    /** Whether Proxmox checks the TLS certificate of the download URL. */
    verifyCertificates: z.boolean().default(true),
    /** How long the download may take, in seconds. */
    timeout: z.number().int().min(30).max(86_400).default(1800),
  },
  inputs: {
    /** The Proxmox connection to download with. */
    connection: connectionEntity,
  },
  outputs: {
    /** The downloaded, verified image. */
    image: imageEntity,
  },
  meta: {
    title: "Image",
    description:
      "Downloads a cloud image to a Proxmox datastore and verifies its checksum; a mismatch shows the expected and the actual checksum.",
    icon: "mdi:download",
    category: "Proxmox",
  },
  source: { package: "@highstate/proxmox", path: "image" },
});
