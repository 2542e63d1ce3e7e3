import { z } from "@highstate/contract";

/** The `implRef.data` a Cloudflare connection writes into its DNS provider entity. */
export const cloudflareImplementationDataSchema = z
  .object({
    /** The zone id of every zone the connection serves, by zone name (`example.com` → `023e105f…`). */
    zoneIds: z.record(z.hostname(), z.string().regex(/^[0-9a-f]{32}$/, "must be a 32-character hexadecimal Cloudflare zone id")),
  })
  .strict();
export type CloudflareImplementationData = z.output<typeof cloudflareImplementationDataSchema>;

/** The credentials a Cloudflare DNS provider entity carries. */
export const cloudflareCredentialsSchema = z
  .object({
    /** The API token (Zone:Read and DNS:Edit on the zones). */
    apiToken: z.string().min(1),
  })
  .strict();
