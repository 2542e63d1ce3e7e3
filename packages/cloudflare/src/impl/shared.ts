import { parseCapabilityValue } from "@highstate/pulumi/capabilities";
import { cloudflareCredentialsSchema } from "../shared/data.js";

/** The API token from a request's credentials, validated (the error names the field, never the value). */
export function apiTokenOf(
  credentials: Record<string, string>,
  where: { packageName: string; capability: string; instanceId?: string },
): string {
  const parsed = parseCapabilityValue(cloudflareCredentialsSchema, credentials, { ...where, part: "request" });
  return parsed.apiToken;
}
