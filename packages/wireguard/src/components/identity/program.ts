import type { Endpoint } from "@highstate/common";
import { defineUnit } from "@highstate/pulumi";
import * as pulumi from "@pulumi/pulumi";
import type { NetworkInfo, Peer } from "../../entities.js";
import { computeAllowedIps } from "../../shared/allowed-ips.js";
import { formatEndpoint, parseEndpoint } from "../../shared/endpoints.js";
import { decodeWireGuardKey, derivePublicKey, generatePrivateKey } from "../../shared/keys.js";
import { ipFamily, parseInterfaceAddress } from "../../shared/subnets.js";
import { identity } from "./definition.js";

/**
 * Outputs a WireGuard identity and its peer. The private key is the `privateKey` secret, generated on
 * the first run; Allowed IPs are computed from the args, the network's IP families and the IP
 * addresses of the connected Kubernetes services (cluster IPs and IP-literal endpoints). Creates no resources.
 */
export default defineUnit(identity, (unit) => {
  const { args, inputs } = unit;
  const name = args.peerName ?? unit.name;
  const where = `identity "${unit.name}"`;
  for (const address of args.addresses) parseInterfaceAddress(address, `arg "addresses" of "${unit.name}"`);
  const argEndpoints = args.endpoints.map((text) => parseEndpoint(text, args.listenPort, `arg "endpoints" of "${unit.name}"`));

  const privateKey = unit.getSecret("privateKey", generatePrivateKey).apply((text) => {
    decodeWireGuardKey(text, `secret "privateKey" of "${unit.name}"`);
    return pulumi.secret(text.trim());
  });
  // The public key is derived from a secret, so Pulumi would keep it secret; it is meant to be shared.
  const publicKey = pulumi.unsecret(privateKey.apply((key) => derivePublicKey(key)));
  const networkInfo = inputs.network
    ? pulumi.unsecret(inputs.network.apply(({ presharedKey: _keyMaterial, ...info }): NetworkInfo => info))
    : pulumi.output(undefined);
  const services = pulumi.all(inputs.k8sServices);
  const extraEndpoints = pulumi.all(inputs.endpoints);

  const peer = pulumi
    .all([publicKey, networkInfo, services, extraEndpoints])
    .apply(([key, network, serviceValues, endpointValues]): Peer => {
      const serviceAddresses = serviceValues.flatMap((service) => [
        ...(service.clusterIp ? [service.clusterIp] : []),
        ...service.endpoints.map((endpoint) => endpoint.host).filter((host) => ipFamily(host) !== undefined),
      ]);
      const endpoints: Endpoint[] = [...argEndpoints, ...endpointValues.map((endpoint) => ({ ...endpoint, protocol: "udp" as const }))];
      return {
        name,
        publicKey: key,
        ...(network ? { network } : {}),
        addresses: args.addresses,
        allowedIps: computeAllowedIps({
          addresses: args.addresses,
          includeAddresses: args.includeAddresses,
          allowedSubnets: args.allowedSubnets,
          allowedAddresses: [...new Set(serviceAddresses)],
          exitNode: args.exitNode,
          ipv4: network?.ipv4 ?? true,
          ipv6: network?.ipv6 ?? false,
          excludedSubnets: args.excludedSubnets,
          excludePrivateSubnets: args.excludePrivateSubnets,
          dns: args.dns,
          includeDns: args.includeDns,
          where,
        }),
        endpoints: endpoints.filter(
          (endpoint, index) => endpoints.findIndex((other) => other.host === endpoint.host && other.port === endpoint.port) === index,
        ),
        dns: args.dns,
        listenPort: args.listenPort,
        persistentKeepalive: args.persistentKeepalive,
        exitNode: args.exitNode,
      };
    });

  return {
    identity: { peer, privateKey, ...(inputs.network ? { network: inputs.network } : {}) },
    peer,
    $statusFields: {
      publicKey: { value: publicKey, title: "Public Key" },
      allowedIps: { value: peer.apply((value) => value.allowedIps.join(", ") || "none"), title: "Allowed IPs" },
      endpoint: { value: peer.apply((value) => (value.endpoints[0] ? formatEndpoint(value.endpoints[0]) : "none")), title: "Endpoint" },
    },
  };
});
