import type { RecordedResource } from "@highstate/pulumi/test";

/** Thrown when a Kubernetes object a program created does not satisfy the Kubernetes schema. */
export class InvalidKubernetesObjectError extends Error {
  override name = "InvalidKubernetesObjectError";

  constructor(
    readonly resource: string,
    readonly errors: unknown,
    options?: ErrorOptions,
  ) {
    super(`The Kubernetes object "${resource}" does not satisfy the Kubernetes schema: ${describe(errors)}`, options);
  }
}

function describe(errors: unknown): string {
  const list = (errors as { errors?: Array<{ instancePath?: string; message?: string }> })?.errors;
  if (Array.isArray(list)) return list.map((error) => `${error.instancePath || "/"} ${error.message}`).join("; ");
  return errors instanceof Error ? errors.message : String(errors);
}

/** The `kubernetes-models` module path of a Pulumi Kubernetes type token, e.g. `apps/v1/Deployment`. */
export function modelPathOfType(type: string): string | undefined {
  const match = /^kubernetes:([^:]+)\/([^/:]+):([A-Za-z]+)$/.exec(type);
  if (!match) return undefined;
  const [, group, version, kind] = match as unknown as [string, string, string, string];
  if (group.startsWith("helm.sh") || group.startsWith("yaml")) return undefined;
  return group === "core" ? `${version}/${kind}` : `${group}/${version}/${kind}`;
}

interface ModelClass {
  new (data: unknown): { validate(): void };
}

/** What {@link validateKubernetesResources} looked at. */
export interface KubernetesValidationReport {
  /** `type name` of every object validated against its schema. */
  validated: string[];
  /** `type name` of Kubernetes resources without a built-in schema (custom resources, charts) or that were only read. */
  skipped: string[];
}

/** Options of {@link validateKubernetesResources}. */
export interface KubernetesValidationOptions {
  /**
   * Packages with models of custom resources laid out as `<package>/<group>/<version>/<Kind>`, such as
   * `@kubernetes-models/cert-manager` and `@kubernetes-models/gateway-api` (install them as dev
   * dependencies). Custom resources of their groups are validated too.
   */
  modelPackages?: string[];
}

async function loadModel(specifier: string, kind: string): Promise<ModelClass | undefined> {
  try {
    const module = (await import(specifier)) as Record<string, ModelClass>;
    return module[kind];
  } catch {
    return undefined;
  }
}

/**
 * Checks every Kubernetes object recorded in a mock run against the Kubernetes OpenAPI schema with
 * the `kubernetes-models` package (install it as a dev dependency): the model is built from the
 * recorded inputs and `.validate()` is called. Custom resources are validated when a package in
 * `options.modelPackages` has their model. Objects that were only read (`.get`) and custom
 * resources without a model are reported as skipped.
 *
 * ```ts
 * const result = await testUnit(unit, { … });
 * const report = await validateKubernetesResources(result.resources);
 * expect(report.validated).toContain("kubernetes:apps/v1:Deployment web");
 * ```
 *
 * @throws InvalidKubernetesObjectError naming the object and the schema violations.
 */
export async function validateKubernetesResources(
  resources: readonly RecordedResource[],
  options: KubernetesValidationOptions = {},
): Promise<KubernetesValidationReport> {
  const report: KubernetesValidationReport = { validated: [], skipped: [] };
  for (const resource of resources) {
    if (!resource.type.startsWith("kubernetes:") || !resource.custom) continue;
    const label = `${resource.type} ${resource.name}`;
    const path = modelPathOfType(resource.type);
    if (!path || resource.inputs.apiVersion === undefined) {
      report.skipped.push(label);
      continue;
    }
    const kind = path.split("/").pop()!;
    let model = await loadModel(`kubernetes-models/${path}`, kind);
    for (const modelPackage of options.modelPackages ?? []) {
      if (model) break;
      model = await loadModel(`${modelPackage}/${path}`, kind);
    }
    if (!model) {
      report.skipped.push(label);
      continue;
    }
    try {
      new model(resource.inputs).validate();
    } catch (error) {
      throw new InvalidKubernetesObjectError(label, error, { cause: error });
    }
    report.validated.push(label);
  }
  return report;
}
