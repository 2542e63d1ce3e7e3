import { defineUnit, resourceName } from "@highstate/pulumi";
import * as pulumi from "@pulumi/pulumi";
import { imageFileName, volumeId } from "../../api/images.js";
import { apiAccess } from "../../shared/connection.js";
import { ProxmoxImageDownload } from "../../shared/resources.js";
import { proxmoxImage } from "./definition.js";
import { ImageChecksumArgError, ImageFileNameError } from "./errors.js";

/**
 * Makes Proxmox download the image to the datastore (`download-url`) with the checksum verified, and
 * outputs it. The image is deleted from the datastore when the instance is destroyed. A checksum
 * mismatch fails the run with the expected and the actual checksum.
 */
export default defineUnit(proxmoxImage, (unit) => {
  const { args, inputs } = unit;
  if ((args.sha256 === undefined) === (args.sha512 === undefined)) throw new ImageChecksumArgError(unit.name, args.sha256 !== undefined);
  const checksumAlgorithm = args.sha256 !== undefined ? ("sha256" as const) : ("sha512" as const);
  const checksum = (args.sha256 ?? args.sha512)!.toLowerCase();
  const { target, credentials } = apiAccess(inputs.connection);
  const plan = pulumi.unsecret(inputs.connection).apply((connection) => {
    const contentType = connection.imageContentType;
    const fileName = args.fileName ?? imageFileName(args.url, contentType, checksum);
    const ok = contentType === "import" ? /\.(qcow2|raw|vmdk)$/.test(fileName) : /\.(img|iso)$/.test(fileName);
    if (!ok) throw new ImageFileNameError(unit.name, fileName, contentType);
    return {
      nodeName: args.nodeName ?? connection.nodeName,
      datastoreId: args.datastoreId ?? connection.imageDatastoreId,
      contentType,
      fileName,
    };
  });
  const download = new ProxmoxImageDownload(resourceName(unit), {
    inputs: pulumi.all([target, plan]).apply(([api, where]) => ({
      ...api,
      ...where,
      url: args.url,
      checksumAlgorithm,
      checksum,
      verifyCertificates: args.verifyCertificates,
      timeoutSeconds: args.timeout,
    })),
    credentials,
  });
  const id = pulumi
    .all([download.outputs, plan])
    .apply(([outputs, where]) => outputs.volid || volumeId(where.datastoreId, where.contentType, where.fileName));
  return {
    image: {
      id,
      nodeName: plan.nodeName,
      datastoreId: plan.datastoreId,
      contentType: plan.contentType,
      size: download.outputs.size,
      checksum: { algorithm: checksumAlgorithm, value: checksum },
    },
    $statusFields: {
      id: { value: id, title: "Volume" },
      checksum: { value: `${checksumAlgorithm}:${checksum.slice(0, 16)}…`, title: "Checksum" },
    },
  };
});
