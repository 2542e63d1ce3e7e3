/**
 * Type ids are `<domain>.<name>.v<major>`: lower-case kebab-case domain and name, and a major version
 * that changes only with a breaking change of the schema (e.g. `common.server.v1`).
 */
export const typeIdPattern = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*\.[a-z][a-z0-9]*(?:-[a-z0-9]+)*\.v(?:0|[1-9][0-9]*)$/;

/** Names of args, secrets, inputs and outputs: camelCase identifiers (the `$` prefix is reserved). */
export const fieldNamePattern = /^[a-z][a-zA-Z0-9]*$/;

/** Tells whether a string is a well-formed type id. */
export function isTypeId(value: string): boolean {
  return typeIdPattern.test(value);
}

/** Splits a type id into its domain, name and major version. */
export function parseTypeId(typeId: string): { domain: string; name: string; major: number } | undefined {
  if (!typeIdPattern.test(typeId)) return undefined;
  const [domain, name, version] = typeId.split(".") as [string, string, string];
  return { domain, name, major: Number(version.slice(1)) };
}
