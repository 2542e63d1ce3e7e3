import { createHash } from "node:crypto";

/** The label every object Highstate creates carries, so `kubectl get -l app.kubernetes.io/managed-by=highstate` finds them. */
export const managedByLabels = { "app.kubernetes.io/managed-by": "highstate" } as const;

/**
 * Turns any text into a valid Kubernetes object name (an RFC 1123 label): lower-case, invalid
 * characters replaced by dashes, at most 63 characters. A name that had to be shortened ends with a
 * short hash of the original, so two long names stay distinct.
 */
export function kubernetesName(...parts: string[]): string {
  const joined = parts.filter((part) => part.length > 0).join("-");
  const cleaned = joined
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-+|-+$/g, "");
  if (cleaned.length === 0) throw new TypeError(`"${joined}" has no letters or digits to build a Kubernetes name from`);
  if (cleaned.length <= 63) return cleaned;
  const hash = createHash("sha256").update(joined).digest("hex").slice(0, 8);
  return `${cleaned.slice(0, 54).replace(/-+$/, "")}-${hash}`;
}

/**
 * The recommended labels (`app.kubernetes.io/*`) for the objects of one app instance. `app` is what
 * runs (for example `vaultwarden`), `instance` which copy (the Highstate instance name).
 */
export function appLabels(app: string, instance: string, component?: string): Record<string, string> {
  return {
    "app.kubernetes.io/name": kubernetesName(app),
    "app.kubernetes.io/instance": kubernetesName(instance),
    ...(component ? { "app.kubernetes.io/component": kubernetesName(component) } : {}),
    ...managedByLabels,
  };
}

/** The labels a selector uses: the stable subset of {@link appLabels} (never change a selector after creation). */
export function selectorLabels(app: string, instance: string, component?: string): Record<string, string> {
  const { "app.kubernetes.io/managed-by": _managedBy, ...selector } = appLabels(app, instance, component);
  return selector;
}
