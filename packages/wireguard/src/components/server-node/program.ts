import { createHash } from "node:crypto";
import { runOnServer } from "@highstate/common/server";
import { defineUnit, resourceName } from "@highstate/pulumi";
import * as pulumi from "@pulumi/pulumi";
import type { Peer } from "../../entities.js";
import { generateConfig } from "../../shared/config.js";
import { gatewayHooks } from "../../shared/hooks.js";
import { serverNode } from "./definition.js";
import { serverApplyScript, serverRemoveCommand } from "./script.js";

/**
 * Writes the identity's `wg-quick` config to the server over SSH (piped on standard input, never on a
 * command line) and enables `wg-quick@<interface>` under systemd; re-runs when the config changes.
 * Destroying the instance stops the service and removes the config.
 */
export default defineUnit(serverNode, (unit) => {
  const { args, inputs } = unit;
  const peers = pulumi.all(inputs.peers);
  const plain = pulumi.unsecret(
    inputs.identity.apply((identity) => ({
      peer: identity.peer,
      backend: identity.network?.backend ?? "wireguard",
      ipv6: identity.network?.ipv6 ?? false,
    })),
  );
  const script = pulumi.all([inputs.identity, peers]).apply(([identity, peerValues]) => {
    const ipv6 = identity.network?.ipv6 ?? false;
    const hooks = args.gateway
      ? gatewayHooks({
          masquerade: true,
          forwardRestrictedSubnets: args.forwardRestrictedSubnets,
          ipv6,
          where: `server node "${unit.name}"`,
        })
      : {};
    const config = generateConfig(identity, peerValues, { ...(args.mtu !== undefined ? { mtu: args.mtu } : {}), ...hooks });
    return serverApplyScript({
      backend: identity.network?.backend ?? "wireguard",
      interfaceName: args.interfaceName,
      config,
      gateway: args.gateway,
      ipv6,
    });
  });
  // The digest re-runs the command when the config changes, and reveals nothing of the key.
  const digest = pulumi.unsecret(script.apply((text) => createHash("sha256").update(text).digest("hex")));
  const apply = runOnServer(resourceName(unit), inputs.server, {
    create: "sh -s",
    delete: serverRemoveCommand(args.interfaceName),
    stdin: pulumi.secret(script),
    triggers: [digest],
  });

  const peer = pulumi.all([plain, pulumi.unsecret(inputs.server)]).apply(([{ peer: own }, server]): Peer => {
    if (own.endpoints.length > 0) return own;
    return { ...own, endpoints: server.endpoints.map((host) => ({ host, port: own.listenPort, protocol: "udp" as const })) };
  });
  return {
    peer,
    $statusFields: {
      service: {
        value: plain.apply(({ backend }) => `${backend === "amneziawg" ? "awg-quick" : "wg-quick"}@${args.interfaceName}`),
        title: "Service",
      },
      state: { value: apply.outputs.apply((outputs) => outputs?.stdout?.trim() || "unknown"), title: "State" },
    },
  };
});
