import { dns01SolverCapability } from "@highstate/k8s/capabilities";
import { createSecret } from "@highstate/k8s/helpers";
import { implementCapability } from "@highstate/pulumi/capabilities";
import { cloudflareImplementationDataSchema } from "../shared/data.js";
import { apiTokenOf } from "./shared.js";

/** The key of the API token in the solver's Secret. */
export const apiTokenSecretKey = "api-token";

/**
 * `dns01-solver` for Cloudflare: a Secret holding the API token in cert-manager's namespace, and the
 * `cloudflare.apiTokenSecretRef` solver that reads it.
 */
export default implementCapability(dns01SolverCapability, {
  data: cloudflareImplementationDataSchema,
  implement({ request, context }) {
    const apiToken = apiTokenOf(request.credentials, {
      packageName: context.packageName,
      capability: dns01SolverCapability.name,
      instanceId: context.instanceId,
    });
    const secret = createSecret(
      `${context.name}-cloudflare`,
      { name: request.secretName, namespace: request.namespace, data: { [apiTokenSecretKey]: apiToken } },
      { parent: context.parent, provider: request.provider },
    );
    return { dns01: { cloudflare: { apiTokenSecretRef: { name: request.secretName, key: apiTokenSecretKey } } }, resources: [secret] };
  },
});
