import { defineUnit } from "@highstate/pulumi";
import * as pulumi from "@pulumi/pulumi";
import { generateSshKeyPair, parseSshPrivateKey } from "../../ssh/keys.js";
import { sshKeyPair } from "./definition.js";

/**
 * Outputs an SSH key pair: the `privateKey` secret when the user pasted one (validated), otherwise an
 * ed25519 key generated on the first run and kept with the instance's secrets. Creates no resources.
 */
export default defineUnit(sshKeyPair, (unit) => {
  const privateKey = unit.getSecret("privateKey", () => generateSshKeyPair().privateKey);
  const keyPair = privateKey.apply((text) => parseSshPrivateKey(text, `secret "privateKey" of "${unit.name}"`));
  // The public half is derived from a secret, so Pulumi would keep it secret; it is meant to be shared.
  const publicKey = pulumi.unsecret(keyPair.apply((pair) => pair.publicKey));
  const fingerprint = pulumi.unsecret(keyPair.apply((pair) => pair.fingerprint));
  return {
    keyPair: {
      type: pulumi.unsecret(keyPair.apply((pair) => pair.type)),
      publicKey,
      fingerprint,
      privateKey: keyPair.apply((pair) => pulumi.secret(pair.privateKey)),
    },
    $statusFields: {
      fingerprint: { value: fingerprint, title: "Fingerprint" },
      publicKey: { value: publicKey, title: "Public Key" },
    },
  };
});
