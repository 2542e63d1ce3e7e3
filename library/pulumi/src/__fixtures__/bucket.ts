import { randomBytes } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { defineUnit, resourceName } from "../index.js";
import { bucketComponent } from "./definitions.js";

/** A stand-in for a provider resource (the mock runtime answers it). */
class Bucket extends pulumi.CustomResource {
  declare readonly bucketName: pulumi.Output<string>;
  declare readonly endpoint: pulumi.Output<string>;

  constructor(name: string, props: Record<string, pulumi.Input<unknown>>, opts?: pulumi.CustomResourceOptions) {
    super("test:storage:Bucket", name, { ...props, bucketName: props.bucketName, endpoint: undefined }, opts);
  }
}

export default defineUnit(bucketComponent, async (unit) => {
  const { args, inputs, getSecret } = unit;
  const accessKey = getSecret("accessKey", () => randomBytes(16).toString("hex"));
  const bucket = new Bucket(resourceName(unit), {
    bucketName: resourceName(unit, "data"),
    region: args.region,
    sizeGb: args.sizeGb,
    versioning: args.versioning,
    networkId: inputs.network.id,
    accessKey,
    replicateTo: pulumi.all(inputs.mirrors.map((mirror) => mirror.endpoint)),
  });
  return {
    bucket: { name: bucket.bucketName, region: args.region, endpoint: bucket.endpoint, accessKey },
    $statusFields: {
      endpoint: bucket.endpoint,
      size: { value: args.sizeGb, title: "Size (GB)" },
      accessKey: { value: accessKey, title: "Access key" },
    },
    $pages: [
      {
        name: "usage",
        title: "Usage",
        blocks: [
          { type: "markdown", content: pulumi.interpolate`Upload with \`aws s3 cp --endpoint-url ${bucket.endpoint}\`` },
          { type: "file", name: "credentials", content: pulumi.interpolate`[default]\naws_access_key_id=${accessKey}\n`, secret: true },
        ],
      },
    ],
  };
});
