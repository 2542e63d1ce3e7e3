import { type DnsProvider, findDnsProviderForDomain } from "@highstate/common";
import { dnsRecordCapability } from "@highstate/common/capabilities";
import { type CapabilityResolution, callCapability } from "@highstate/pulumi/capabilities";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { gatewayRouteCapability } from "../capabilities/gateway-route.js";
import type { Cluster } from "../entities/cluster.js";
import type { AccessPoint, TlsIssuer } from "../entities/resources.js";
import { kubernetesName, managedByLabels } from "../helpers/naming.js";
import { PublishError } from "./errors.js";

/** What to publish and where. */
export interface PublishServiceArgs {
  /** The access point (an app's `k8s.access-point.v1` input). */
  accessPoint: pulumi.Input<AccessPoint>;
  /** The cluster the app and its Service run in; it must be the gateway's cluster. */
  cluster: pulumi.Input<Cluster>;
  /** The provider of that cluster (the one the app creates its objects with). */
  provider: k8s.Provider;
  /** The fully qualified host name to publish at, for example `vault.example.com`. */
  fqdn: pulumi.Input<string>;
  /** The namespace of the Service; the certificate and the route objects are created there too. */
  namespace: pulumi.Input<string>;
  /** The Service to route to and its port. */
  service: { name: pulumi.Input<string>; port: pulumi.Input<number> };
  /** The path prefix to route (default `/`). */
  path?: pulumi.Input<string>;
  /** The instance publishing the service (`unit.instance.id`), named in errors and in DNS record comments. */
  instanceId?: string;
  /** How capability packages are resolved (default: from the unit's work dir inside the workspace). */
  resolution?: CapabilityResolution;
}

/** What publishing produced, known once the access point's value is. */
export interface PublishedServiceState {
  /** The URLs the service answers at (`https://…` with a certificate, `http://…` without). */
  urls: string[];
  /** Whether TLS is terminated with a certificate from an issuer. */
  tls: boolean;
  /** The Certificate name, when one was requested. */
  certificate?: string;
  /** The DNS provider id and the records created (`A 203.0.113.7`), when a provider serves the zone. */
  dns?: { provider: string; records: string[] };
  /** Things a user should know: no TLS issuer, no DNS provider, a gateway without public endpoints. */
  warnings: string[];
}

/** The zone of `fqdn` among `zones`: the longest one that is the name or a parent of it. */
function zoneOf(fqdn: string, zones: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const zone of zones) {
    const z = zone.toLowerCase().replace(/\.$/, "");
    if ((fqdn === z || fqdn.endsWith(`.${z}`)) && (!best || z.length > best.length)) best = z;
  }
  return best;
}

function issuerFor(issuers: readonly TlsIssuer[], fqdn: string): TlsIssuer | undefined {
  let best: { issuer: TlsIssuer; zone: string } | undefined;
  for (const issuer of issuers) {
    const zone = zoneOf(fqdn, issuer.zones);
    if (zone && (!best || zone.length > best.zone.length)) best = { issuer, zone };
  }
  return best?.issuer;
}

const ipv4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** The records pointing at the gateway: A for IPv4, AAAA for IPv6, a CNAME for one host name. */
function recordSets(endpoints: readonly string[]): Array<{ type: "A" | "AAAA" | "CNAME"; values: string[] }> {
  const a = endpoints.filter((host) => ipv4.test(host));
  const aaaa = endpoints.filter((host) => host.includes(":"));
  const names = endpoints.filter((host) => !ipv4.test(host) && !host.includes(":"));
  if (a.length === 0 && aaaa.length === 0 && names.length > 0) return [{ type: "CNAME", values: [names[0]!] }];
  return [
    ...(a.length > 0 ? [{ type: "A" as const, values: a }] : []),
    ...(aaaa.length > 0 ? [{ type: "AAAA" as const, values: aaaa }] : []),
  ];
}

/** One certificate per host name and cluster within a unit run, however many routes use it. */
const certificates = new WeakMap<k8s.Provider, Map<string, k8s.apiextensions.CustomResource>>();

/**
 * Publishes a Service at a host name through an access point:
 *
 * 1. **Certificate**: when a TLS issuer of the access point serves the name's zone, a cert-manager
 *    `Certificate` for the name (one per name, shared by every route of the unit) in the Service's
 *    namespace, stored in the Secret `hs-certificate-<name>`. With no issuer at all, the route is plain
 *    HTTP and a warning says so.
 * 2. **Route**: the gateway's `gateway-route` capability (its `implRef.package`, for example
 *    `@highstate/traefik`) routes the name to the Service, terminating TLS with the certificate.
 * 3. **DNS**: when a DNS provider of the access point serves the zone, its `dns-record` capability
 *    creates A/AAAA records for the gateway's IP endpoints (or a CNAME to its one host name).
 *
 * A name outside every zone of the access point's issuers or providers is an error: the certificate
 * or record could never be made.
 *
 * ```ts
 * const published = new PublishedService(resourceName(unit), {
 *   accessPoint: inputs.accessPoint, cluster: inputs.k8sCluster, provider,
 *   fqdn: args.fqdn, namespace: "vault", service: { name: "vault", port: 80 }, instanceId: unit.instance.id,
 * });
 * return { …, $statusFields: published.statusFields() };
 * ```
 */
export class PublishedService extends pulumi.ComponentResource {
  /** What was published (URLs, TLS, DNS, warnings). */
  readonly state: pulumi.Output<PublishedServiceState>;
  /** The first URL the service answers at. */
  readonly url: pulumi.Output<string>;

  constructor(name: string, args: PublishServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("highstate:k8s:PublishedService", name, {}, opts);
    const inputs = pulumi.all([
      pulumi.output(args.accessPoint),
      pulumi.output(args.cluster),
      pulumi.output(args.fqdn),
      pulumi.output(args.namespace),
      pulumi.output(args.service),
      pulumi.output(args.path ?? "/"),
    ]);
    // The access point carries DNS credentials, so the inputs are secret; what was published is not.
    this.state = pulumi.unsecret(
      inputs.apply(([accessPoint, cluster, fqdn, namespace, service, path]) =>
        this.publish(name, args, { accessPoint, cluster, fqdn: fqdn.toLowerCase().replace(/\.$/, ""), namespace, service, path }),
      ),
    );
    this.url = this.state.apply((state) => state.urls[0]!);
    this.registerOutputs({ state: this.state });
  }

  /** Status fields for the unit: the URL, and a warning when there is one. */
  statusFields(prefix = ""): Record<string, { value: pulumi.Output<string>; title: string }> {
    // The runtime leaves out a status field whose value resolves to undefined: no warning, no field.
    const warning = this.state.apply((state) =>
      state.warnings.length > 0 ? state.warnings.join("; ") : undefined,
    ) as pulumi.Output<string>;
    return {
      [`${prefix}url`]: { value: this.url, title: "URL" },
      [`${prefix}warning`]: { value: warning, title: "Warning" },
    };
  }

  private async publish(
    name: string,
    args: PublishServiceArgs,
    value: {
      accessPoint: AccessPoint;
      cluster: Cluster;
      fqdn: string;
      namespace: string;
      service: { name: string; port: number };
      path: string;
    },
  ): Promise<PublishedServiceState> {
    const { accessPoint, cluster, fqdn, namespace, service, path } = value;
    const where = `Publishing "${fqdn}"${args.instanceId ? ` for instance "${args.instanceId}"` : ""}`;
    const { gateway, tlsIssuers, dnsProviders } = accessPoint;
    if (gateway.clusterId !== cluster.id) {
      throw new PublishError(
        fqdn,
        `${where} failed: the access point's gateway runs in cluster "${gateway.clusterName}" (${gateway.clusterId}), but the service is in cluster "${cluster.name}" (${cluster.id}); connect an access point of the service's cluster`,
      );
    }
    const issuer = issuerFor(tlsIssuers, fqdn);
    const dns = findDnsProviderForDomain(dnsProviders, fqdn) as { provider: DnsProvider; zone: string } | undefined;
    const outside: string[] = [];
    if (tlsIssuers.length > 0 && !issuer)
      outside.push(`no TLS issuer serves it (issuer zones: ${tlsIssuers.flatMap((item) => item.zones).join(", ")})`);
    if (dnsProviders.length > 0 && !dns)
      outside.push(`no DNS provider serves it (provider zones: ${dnsProviders.flatMap((item) => item.zones).join(", ")})`);
    if (outside.length > 0) {
      throw new PublishError(
        fqdn,
        `${where} failed: "${fqdn}" is in no zone of the access point: ${outside.join("; ")}. Use a host name in one of those zones, or connect an issuer and a DNS provider for its zone`,
      );
    }

    const warnings: string[] = [];
    const objectName = kubernetesName(fqdn.replaceAll(".", "-"));
    let certificate: string | undefined;
    if (issuer) {
      certificate = objectName;
      const secretName = kubernetesName("hs-certificate", objectName);
      const perCluster = certificates.get(args.provider) ?? new Map<string, k8s.apiextensions.CustomResource>();
      certificates.set(args.provider, perCluster);
      if (!perCluster.has(`${namespace}/${fqdn}`)) {
        perCluster.set(
          `${namespace}/${fqdn}`,
          new k8s.apiextensions.CustomResource(
            `${name}-certificate`,
            {
              apiVersion: "cert-manager.io/v1",
              kind: "Certificate",
              metadata: { name: objectName, namespace, labels: { ...managedByLabels } },
              spec: {
                secretName,
                dnsNames: [fqdn],
                issuerRef: { name: issuer.issuerRef.name, kind: issuer.issuerRef.kind, group: issuer.issuerRef.group },
              },
            },
            { parent: this, provider: args.provider },
          ),
        );
      }
    } else {
      warnings.push(`no TLS issuer in the access point: "${fqdn}" is published over plain HTTP`);
    }

    const route = await callCapability(
      gatewayRouteCapability,
      gateway.implRef,
      {
        name: objectName,
        namespace,
        hostnames: [fqdn],
        path,
        backend: { name: service.name, port: service.port },
        ...(certificate ? { tls: { secretName: kubernetesName("hs-certificate", certificate) } } : {}),
        provider: args.provider,
      },
      { name: `${name}-route`, parent: this, instanceId: args.instanceId, ...args.resolution },
    );

    let dnsState: PublishedServiceState["dns"];
    if (dns) {
      const sets = recordSets(gateway.endpoints);
      if (sets.length === 0) warnings.push(`the gateway has no public endpoints, so no DNS record was created for "${fqdn}"`);
      const records: string[] = [];
      for (const set of sets) {
        await callCapability(
          dnsRecordCapability,
          dns.provider.implRef,
          {
            name: fqdn,
            zone: dns.zone,
            type: set.type,
            values: set.values,
            proxied: accessPoint.proxied,
            credentials: dns.provider.credentials,
            ...(args.instanceId ? { comment: `Managed by Highstate [${args.instanceId}]`.slice(0, 100) } : {}),
          },
          { name: `${name}-dns-${set.type.toLowerCase()}`, parent: this, instanceId: args.instanceId, ...args.resolution },
        );
        records.push(...set.values.map((target) => `${set.type} ${target}`));
      }
      dnsState = { provider: dns.provider.id, records };
    } else {
      warnings.push(
        `no DNS provider in the access point: create a record for "${fqdn}" pointing at ${gateway.endpoints.join(", ") || "the gateway"} by hand`,
      );
    }
    return {
      urls: route.urls,
      tls: certificate !== undefined,
      ...(certificate ? { certificate } : {}),
      ...(dnsState ? { dns: dnsState } : {}),
      warnings,
    };
  }
}
