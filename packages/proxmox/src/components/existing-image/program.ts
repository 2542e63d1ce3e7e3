import { defineUnit, resourceName } from "@highstate/pulumi";
import * as pulumi from "@pulumi/pulumi";
import { apiAccess } from "../../shared/connection.js";
import { ProxmoxVolumeCheck } from "../../shared/resources.js";
import { proxmoxExistingImage } from "./definition.js";

/** Checks through the API that the volume is on its datastore and outputs it as an image. */
export default defineUnit(proxmoxExistingImage, (unit) => {
  const { args, inputs } = unit;
  const { target, credentials } = apiAccess(inputs.connection);
  const nodeName = args.nodeName ?? pulumi.unsecret(inputs.connection).apply((connection) => connection.nodeName);
  const check = new ProxmoxVolumeCheck(resourceName(unit), {
    inputs: pulumi.all([target, nodeName]).apply(([api, node]) => ({ ...api, nodeName: node, volid: args.id })),
    credentials,
  });
  const [datastoreId, rest] = [args.id.slice(0, args.id.indexOf(":")), args.id.slice(args.id.indexOf(":") + 1)];
  return {
    image: {
      id: args.id,
      nodeName,
      datastoreId,
      contentType: rest.startsWith("import/") ? ("import" as const) : ("iso" as const),
      size: check.outputs.size,
    },
    $statusFields: {
      id: { value: args.id, title: "Volume" },
      size: { value: check.outputs.apply((outputs) => `${(outputs.size / 2 ** 30).toFixed(2)} GiB`), title: "Size" },
    },
  };
});
