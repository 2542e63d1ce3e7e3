import * as pulumi from "@pulumi/pulumi";

/**
 * The Pulumi resource name for a resource of a unit: the instance name, or `<name>-<suffix>` to tell
 * siblings apart. Instance names are lower-case letters, digits and dashes, so the result is also a
 * valid Kubernetes object name when the suffix is.
 *
 * ```ts
 * new k8s.apps.v1.Deployment(resourceName(unit), …);          // "web"
 * new k8s.core.v1.Service(resourceName(unit, "headless"), …); // "web-headless"
 * ```
 */
export function resourceName(unit: { readonly name: string }, suffix?: string): string {
  if (typeof unit?.name !== "string" || unit.name.length === 0) {
    throw new TypeError("resourceName expects the unit context (or anything with a non-empty name) as its first argument");
  }
  if (suffix === undefined) return unit.name;
  if (suffix.length === 0)
    throw new TypeError(`resourceName(unit, suffix) for "${unit.name}": the suffix must not be empty; leave it out instead`);
  return `${unit.name}-${suffix}`;
}

/**
 * Marks a value as secret: the result is a Pulumi secret `Output`, so wherever it flows (resource
 * inputs, entity outputs, status fields, pages) it is encrypted in the state and in the stack
 * outputs, and masked in logs. Nested `Output`s in `value` are resolved.
 *
 * ```ts
 * return { $statusFields: { password: secret(password) } };
 * ```
 */
export function secret<T>(value: pulumi.Input<T>): pulumi.Output<pulumi.Unwrap<T>> {
  return pulumi.secret(value);
}
