import { parseSshPrivateKey } from "@highstate/common/ssh";
import { defineUnit, resourceName } from "@highstate/pulumi";
import * as pulumi from "@pulumi/pulumi";
import { ProxmoxDefaultsDetection } from "../../shared/resources.js";
import { proxmoxConnection } from "./definition.js";
import { MissingProxmoxCredentialsError, MissingProxmoxSshCredentialsError } from "./errors.js";

/**
 * Logs in to the Proxmox API with the token or the user and password, picks (or checks) the default
 * node and datastores through the API, and outputs the connection. The status fields say what was
 * picked and whether it was detected.
 */
export default defineUnit(proxmoxConnection, (unit) => {
  const { args, inputs, secrets } = unit;
  if (secrets.apiToken === undefined && (args.username === undefined || secrets.password === undefined))
    throw new MissingProxmoxCredentialsError(unit.name);
  const credentials = pulumi.secret(
    pulumi
      .all([secrets.apiToken, secrets.password])
      .apply(([apiToken, password]) => (apiToken !== undefined ? { apiToken } : { username: args.username!, password: password! })),
  );
  const detection = new ProxmoxDefaultsDetection(resourceName(unit), {
    inputs: {
      endpoint: args.endpoint,
      insecure: args.insecure,
      ...(args.nodeName ? { nodeName: args.nodeName } : {}),
      ...(args.datastoreId ? { datastoreId: args.datastoreId } : {}),
      ...(args.imageDatastoreId ? { imageDatastoreId: args.imageDatastoreId } : {}),
    },
    credentials,
  });
  const defaults = detection.outputs;

  let ssh: pulumi.Output<{ host?: string; port: number; user: string; privateKey?: string; password?: string }> | undefined;
  if (args.sshEnabled) {
    const privateKey =
      inputs.sshKeyPair?.apply((pair) => pair.privateKey) ??
      secrets.sshPrivateKey?.apply((text) => parseSshPrivateKey(text, `secret "sshPrivateKey" of "${unit.name}"`).privateKey);
    if (privateKey === undefined && secrets.sshPassword === undefined) throw new MissingProxmoxSshCredentialsError(unit.name);
    ssh = pulumi.secret(
      pulumi.all([privateKey, secrets.sshPassword]).apply(([key, password]) => ({
        ...(args.sshHost ? { host: args.sshHost } : {}),
        port: args.sshPort,
        user: args.sshUser,
        ...(key ? { privateKey: key } : {}),
        ...(password ? { password } : {}),
      })),
    );
  }

  const label = (field: "nodeName" | "datastoreId" | "imageDatastoreId") =>
    defaults.apply((value) => `${value[field]}${value.detected.includes(field) ? " (detected)" : ""}`);
  return {
    connection: {
      endpoint: args.endpoint,
      insecure: args.insecure,
      ...(secrets.apiToken ? { apiToken: secrets.apiToken } : { username: args.username, password: secrets.password }),
      ...(ssh ? { ssh } : {}),
      version: defaults.version,
      nodeName: defaults.nodeName,
      datastoreId: defaults.datastoreId,
      imageDatastoreId: defaults.imageDatastoreId,
      imageContentType: defaults.imageContentType,
      snippetsDatastoreId: defaults.snippetsDatastoreId,
    },
    $statusFields: {
      version: { value: defaults.version, title: "Proxmox VE" },
      nodeName: { value: label("nodeName"), title: "Default Node" },
      datastoreId: { value: label("datastoreId"), title: "VM Datastore" },
      imageDatastoreId: {
        value: pulumi.all([label("imageDatastoreId"), defaults.imageContentType]).apply(([text, type]) => `${text}, ${type}`),
        title: "Image Datastore",
      },
    },
  };
});
