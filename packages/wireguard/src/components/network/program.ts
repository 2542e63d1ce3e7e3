import { defineUnit } from "@highstate/pulumi";
import * as pulumi from "@pulumi/pulumi";
import { decodeWireGuardKey, generatePresharedKey } from "../../shared/keys.js";
import { network } from "./definition.js";

/**
 * Outputs the network. In the `shared` and `secure` modes its key material is the `presharedKey`
 * secret, generated on the first run and kept with the instance's secrets; the network id is the
 * instance's stable uid, so renaming the instance keeps its links. Creates no resources.
 */
export default defineUnit(network, (unit) => {
  const { args } = unit;
  if (args.backend === "wireguard" && args.amnezia !== undefined) {
    throw new Error(
      `The network "${unit.name}" sets "amnezia" parameters but its backend is "wireguard": choose the "amneziawg" backend or remove them.`,
    );
  }
  if (!args.ipv4 && !args.ipv6)
    throw new Error(`The network "${unit.name}" carries neither IPv4 nor IPv6: enable at least one of "ipv4" and "ipv6".`);
  const presharedKey =
    args.presharedKeyMode === "none"
      ? undefined
      : unit.getSecret("presharedKey", generatePresharedKey).apply((text) => {
          decodeWireGuardKey(text, `secret "presharedKey" of "${unit.name}"`);
          return pulumi.secret(text.trim());
        });
  return {
    network: {
      id: unit.instance.uid,
      name: unit.name,
      backend: args.backend,
      ipv4: args.ipv4,
      ipv6: args.ipv6,
      presharedKeyMode: args.presharedKeyMode,
      ...(args.amnezia ? { amnezia: args.amnezia } : {}),
      ...(presharedKey ? { presharedKey } : {}),
    },
    $statusFields: {
      backend: { value: args.backend, title: "Backend" },
      presharedKeyMode: { value: args.presharedKeyMode, title: "Preshared Keys" },
    },
  };
});
