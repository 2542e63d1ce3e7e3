import { z } from "@highstate/contract";

/**
 * Points at the package implementing a capability for an abstract entity (a DNS provider, a gateway,
 * a TLS issuer). A consumer imports `<package>/impl/<capability>` (for example
 * `@highstate/cloudflare/impl/dns-record`) and passes it `data` together with its own request.
 */
export const implementationReferenceSchema = z
  .object({
    /** The npm package that implements the capability, for example `@highstate/cloudflare`. */
    package: z.string().min(1),
    /** Non-secret data the implementation needs, such as zone ids; the implementation validates it. */
    data: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();
export type ImplementationReference = z.output<typeof implementationReferenceSchema>;
