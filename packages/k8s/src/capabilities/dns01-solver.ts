import { pulumiResourceSchema } from "@highstate/common/capabilities";
import { z } from "@highstate/contract";
import { defineCapability } from "@highstate/pulumi/capabilities";
import * as k8s from "@pulumi/kubernetes";
import { kubernetesNameSchema } from "../entities/resources.js";

/** A Kubernetes provider, the one the consumer manages the cluster with. */
export const kubernetesProviderSchema = z.custom<k8s.Provider>(
  (value) => k8s.Provider.isInstance(value),
  "must be a Kubernetes provider (@pulumi/kubernetes Provider)",
);

/** A request of the `dns01-solver` capability. */
export const dns01SolverRequestSchema = z
  .object({
    /** The zones the solver answers challenges for (the DNS provider's zones the issuer serves). */
    zones: z.array(z.hostname()).min(1),
    /** The DNS provider entity's secret `credentials`, passed as they are. */
    credentials: z.record(z.string(), z.string()).default({}),
    /** The namespace cert-manager reads a ClusterIssuer's secrets from (its "cluster resource namespace", usually `cert-manager`). */
    namespace: kubernetesNameSchema,
    /** The name to give a Secret holding the credentials, when the solver needs one. */
    secretName: kubernetesNameSchema,
    /** The provider of the cluster the issuer lives in; the implementation creates its objects with it. */
    provider: kubernetesProviderSchema,
  })
  .strict();
export type Dns01SolverRequest = z.output<typeof dns01SolverRequestSchema>;

/** The result of the `dns01-solver` capability. */
export const dns01SolverResultSchema = z
  .object({
    /**
     * The `dns01` member of a cert-manager ACME solver (`ACMEChallengeSolverDNS01`), for example
     * `{ cloudflare: { apiTokenSecretRef: { name, key } } }`. The consumer adds the zone selector.
     */
    dns01: z.record(z.string(), z.unknown()),
    /** The resources created for the solver (the credentials Secret); the issuer depends on them. */
    resources: z.array(pulumiResourceSchema),
  })
  .strict();
export type Dns01SolverResult = z.output<typeof dns01SolverResultSchema>;

/**
 * `dns01-solver`: configures how cert-manager answers ACME DNS-01 challenges in the zones of a
 * `common.dns-provider.v1`. Implemented by the DNS provider's package
 * (`@highstate/cloudflare/impl/dns01-solver`); used by the DNS01 Issuer of `@highstate/cert-manager`.
 */
export const dns01SolverCapability = defineCapability({
  name: "dns01-solver",
  description: "Builds a cert-manager ACME DNS-01 solver for a DNS provider's zones, with the Secret it reads.",
  request: dns01SolverRequestSchema,
  result: dns01SolverResultSchema,
});
