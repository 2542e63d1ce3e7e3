import { dns01SolverCapability } from "@highstate/k8s/capabilities";
import { createClusterProvider, createSecret, kubernetesName, managedByLabels } from "@highstate/k8s/helpers";
import { defineUnit, resourceName } from "@highstate/pulumi";
import { callCapability } from "@highstate/pulumi/capabilities";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { certManagerNamespace } from "../../shared/chart.js";
import { acmeServerUrl, dns01Issuer } from "./definition.js";

/** Thrown when the issuer's args and secrets do not fit together or with the DNS provider. */
export class Dns01IssuerError extends Error {
  override name = "Dns01IssuerError";
}

/**
 * Creates a ClusterIssuer named after the instance whose DNS-01 solver comes from the DNS provider's
 * `dns01-solver` capability, limited to the zones it serves, with an ACME account e-mail and, when
 * given (required for ZeroSSL), External Account Binding credentials in a Secret.
 */
export default defineUnit(dns01Issuer, (unit) => {
  const { args, inputs, secrets } = unit;
  const id = unit.instance.id;
  const issuerName = kubernetesName(unit.name);
  const hasEab = secrets.eabKeyId !== undefined && secrets.eabHmacKey !== undefined;
  if (args.acmeServer.type === "zerossl" && !hasEab) {
    throw new Dns01IssuerError(
      `DNS01 issuer "${id}" uses ZeroSSL, which needs the "eabKeyId" and "eabHmacKey" secrets: copy them from the ZeroSSL dashboard (Developer → EAB credentials)`,
    );
  }
  if ((secrets.eabKeyId === undefined) !== (secrets.eabHmacKey === undefined)) {
    throw new Dns01IssuerError(`DNS01 issuer "${id}" has only one of the "eabKeyId" and "eabHmacKey" secrets: set both or neither`);
  }
  const provider = createClusterProvider(resourceName(unit), inputs.k8sCluster);
  const component = new pulumi.ComponentResource("highstate:cert-manager:Dns01Issuer", resourceName(unit), {}, { provider });

  const zones = pulumi.unsecret(pulumi.output(inputs.dnsProvider)).apply((dns) => {
    if (args.zones.length === 0) return dns.zones;
    const served = new Set(dns.zones.map((zone) => zone.toLowerCase()));
    const outside = args.zones.filter((zone) => !served.has(zone.toLowerCase()));
    if (outside.length > 0) {
      throw new Dns01IssuerError(
        `DNS01 issuer "${id}": zone ${outside.map((zone) => `"${zone}"`).join(", ")} from the "zones" arg is not served by DNS provider "${dns.id}" (it serves ${dns.zones.join(", ")})`,
      );
    }
    return args.zones.map((zone) => zone.toLowerCase());
  });

  let eab: Record<string, unknown> | undefined;
  const eabResources: pulumi.Resource[] = [];
  if (hasEab) {
    eabResources.push(
      createSecret(
        resourceName(unit, "eab"),
        { name: kubernetesName(issuerName, "eab"), namespace: certManagerNamespace, data: { secret: secrets.eabHmacKey! } },
        { parent: component, provider },
      ),
    );
    eab = { keyID: secrets.eabKeyId!, keySecretRef: { name: kubernetesName(issuerName, "eab"), key: "secret" }, keyAlgorithm: "HS256" };
  }

  const server = acmeServerUrl(args.acmeServer);
  // The solver is known once the DNS provider is; the issuer is created then, depending on its Secret.
  const issued = pulumi.all([inputs.dnsProvider, zones]).apply(async ([dns, zoneList]) => {
    const solver = await callCapability(
      dns01SolverCapability,
      dns.implRef,
      {
        zones: zoneList,
        credentials: dns.credentials,
        namespace: certManagerNamespace,
        secretName: kubernetesName(issuerName, "dns01"),
        provider,
      },
      { name: resourceName(unit, "solver"), parent: component, instanceId: id },
    );
    new k8s.apiextensions.CustomResource(
      resourceName(unit),
      {
        apiVersion: "cert-manager.io/v1",
        kind: "ClusterIssuer",
        metadata: { name: issuerName, labels: { ...managedByLabels } },
        spec: {
          acme: {
            server,
            email: args.email,
            privateKeySecretRef: { name: kubernetesName(issuerName, "account-key") },
            ...(eab ? { externalAccountBinding: eab } : {}),
            solvers: [{ dns01: solver.dns01, selector: { dnsZones: zoneList } }],
          },
        },
      },
      { parent: component, provider, dependsOn: [...eabResources, ...solver.resources] },
    );
    return zoneList;
  });
  const cluster = pulumi.unsecret(pulumi.output(inputs.k8sCluster));
  return {
    tlsIssuer: {
      clusterId: cluster.id,
      zones: pulumi.unsecret(issued),
      issuerRef: { name: issuerName, kind: "ClusterIssuer" as const, group: "cert-manager.io" },
    },
    $statusFields: {
      zones: { value: pulumi.unsecret(issued).apply((list) => list.join(", ")), title: "Zones" },
      server: { value: server, title: "ACME server" },
    },
  };
});
