/**
 * Publishing apps through an access point (`k8s.access-point.v1`): {@link PublishedService} gets a
 * Service a certificate, a gateway route and a DNS record for a host name. Pulumi is loaded here.
 */
export * from "./errors.js";
export * from "./publish.js";
