import { defineUnit } from "@highstate/pulumi";
import * as pulumi from "@pulumi/pulumi";
import { buildConfig, renderConfig } from "../../shared/config.js";
import { config } from "./definition.js";

/**
 * Generates the config of the identity for its peers and shows it on a page: a note, the file to
 * download and a QR code for the WireGuard mobile apps. The config holds the private key, so the page
 * is secret. Creates no resources.
 */
export default defineUnit(config, (unit) => {
  const { args, inputs } = unit;
  const generated = pulumi.all([inputs.identity, pulumi.all(inputs.peers)]).apply(([identity, peers]) => {
    const model = buildConfig(identity, peers, {
      ...(args.listen !== undefined ? { listen: args.listen } : {}),
      ...(args.mtu !== undefined ? { mtu: args.mtu } : {}),
      dns: args.dns,
      ...(args.endpointVisibilities ? { endpointVisibilities: args.endpointVisibilities } : {}),
    });
    return { model, text: renderConfig(model) };
  });
  const text = pulumi.secret(generated.apply((value) => value.text));
  const fileName = `${args.interfaceName}.conf`;
  const note = generated.apply(({ model }) => {
    const [tool, folder] = model.backend === "amneziawg" ? ["awg-quick", "/etc/amnezia/amneziawg"] : ["wg-quick", "/etc/wireguard"];
    return `Save the file as \`${folder}/${fileName}\` and run \`${tool} up ${args.interfaceName}\`, import it into the ${model.backend === "amneziawg" ? "AmneziaVPN" : "WireGuard"} app, or scan the QR code with the mobile app. The config contains the private key of "${model.name}": keep it secret.`;
  });
  return {
    $pages: [
      {
        name: "index",
        title: "WireGuard Config",
        blocks: [
          { type: "markdown", content: note },
          { type: "file", name: fileName, content: text, contentType: "text/plain", secret: true },
          { type: "qr", title: "Scan with the WireGuard app", content: text, secret: true },
        ],
      },
    ],
    $statusFields: {
      peers: { value: pulumi.unsecret(generated.apply((value) => value.model.peers.length)), title: "Peers" },
    },
  };
});
