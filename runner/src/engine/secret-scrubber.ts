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

/** Variants shorter than this are left out: a short base64 or hex fragment would garble ordinary text. */
const minimumVariantLength = 8;

/**
 * The forms a secret commonly takes when a program, a provider or a log line re-encodes it: as written
 * (matched regardless of case, which also covers upper- and lower-cased copies), JSON-escaped,
 * URL-encoded (also with `+` for spaces), base64 and base64url (also inside a longer base64 text, at each
 * of the three byte alignments) and hex.
 */
export function secretVariants(secret: string): string[] {
  const variants = new Set<string>([secret]);
  const add = (variant: string) => {
    if (variant.length >= minimumVariantLength || variant === secret) variants.add(variant);
  };
  add(JSON.stringify(secret).slice(1, -1));
  add(encodeURIComponent(secret));
  add(encodeURIComponent(secret).replace(/%20/g, "+"));
  const bytes = Buffer.from(secret, "utf8");
  add(bytes.toString("hex"));
  for (let shift = 0; shift < 3; shift++) {
    const encoded = Buffer.concat([Buffer.alloc(shift), bytes]).toString("base64");
    // Only the characters that depend on the secret's bytes alone, whatever comes before and after it.
    const start = Math.ceil((shift * 4) / 3);
    const end = Math.floor(((shift + bytes.length) * 4) / 3);
    for (const text of [encoded, encoded.replace(/\+/g, "-").replace(/\//g, "_")]) {
      add(text.slice(start, end));
      if (shift === 0) {
        add(text);
        add(text.replace(/=+$/, ""));
      }
    }
  }
  return [...variants];
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * Builds a scrubber for the string leaves of the given secret values: each secret and its common
 * encodings ({@link secretVariants}) are masked, longest first, so no secret is half-masked.
 */
export function createSecretScrubber(...secretValues: unknown[]): SecretScrubber {
  const strings = new Set<string>();
  for (const value of secretValues) collectStrings(value, strings);
  const variants = new Set<string>();
  for (const secret of strings) for (const variant of secretVariants(secret)) variants.add(variant);
  const sorted = [...variants].sort((a, b) => b.length - a.length);
  if (sorted.length === 0) return { scrub: (text) => text };
  const pattern = new RegExp(sorted.map(escapeRegExp).join("|"), "gi");
  return {
    scrub(text) {
      pattern.lastIndex = 0;
      return text.replace(pattern, secretMask);
    },
  };
}
