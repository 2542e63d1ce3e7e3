/**
 * Masks known secret values in text the runner shows or stores (engine events, error messages), as a
 * second line of defence behind Pulumi's own masking: a program that logs a secret, or a provider error
 * that quotes one, must not put it into the operation log or onto a designer screen.
 */

/** The text that replaces a secret. */
export const secretMask = "[secret]";

/** Secrets shorter than this are not masked (masking them would garble ordinary text). */
const minimumLength = 4;

function collectStrings(value: unknown, into: Set<string>): void {
  if (typeof value === "string") {
    if (value.length >= minimumLength) into.add(value);
    // Multi-line secrets (keys, certificates) may show up line by line.
    if (value.includes("\n")) for (const line of value.split("\n")) if (line.trim().length >= 8) into.add(line.trim());
    return;
  }
  if (typeof value === "number" || typeof value === "boolean") return;
  if (Array.isArray(value)) {
    for (const item of value) collectStrings(item, into);
    return;
  }
  if (value !== null && typeof value === "object") for (const item of Object.values(value)) collectStrings(item, into);
}

/** Replaces every known secret in a text with {@link secretMask}. */
export interface SecretScrubber {
  scrub(text: string): string;
}

/** Builds a scrubber for the string leaves of the given secret values (longest first, so no secret is half-masked). */
export function createSecretScrubber(...secretValues: unknown[]): SecretScrubber {
  const strings = new Set<string>();
  for (const value of secretValues) collectStrings(value, strings);
  const sorted = [...strings].sort((a, b) => b.length - a.length);
  if (sorted.length === 0) return { scrub: (text) => text };
  return {
    scrub(text) {
      let result = text;
      for (const secret of sorted) if (result.includes(secret)) result = result.split(secret).join(secretMask);
      return result;
    },
  };
}
