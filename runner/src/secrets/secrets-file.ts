import { isMap, isScalar, LineCounter, parseDocument, stringify } from "yaml";
import { type FileLocation, formatValuePath, UnreadableFileError } from "../fs/errors.js";
import { sortKeysDeep } from "../fs/canonical.js";
import type { MalformedEncryptionSaltError, MalformedSecureValueError } from "./errors.js";
import { parseEncryptionSalt, parseSecureValue } from "./passphrase-crypter.js";

/** The config key (namespace `highstate`) under which instance secrets live in `Pulumi.<project>.yaml`. */
export const projectSecretsConfigKey = "highstate:secrets";

/** The parsed content of a `Pulumi.<project>.yaml`. */
export interface SecretsFileContent {
  /** The `encryptionsalt`, when a password has been set. */
  encryptionSalt: string | undefined;
  /** Instance id → secret name → secure value. */
  secrets: Record<string, Record<string, string>>;
  /** Other config keys, kept as they are. */
  otherConfig: Record<string, unknown>;
  /** Other top-level keys (e.g. `environment`), kept as they are. */
  otherTopLevel: Record<string, unknown>;
}

/** Content of a file that does not exist yet. */
export function emptySecretsFile(): SecretsFileContent {
  return { encryptionSalt: undefined, secrets: {}, otherConfig: {}, otherTopLevel: {} };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return `a ${typeof value}`;
}

/**
 * Parses a `Pulumi.<project>.yaml`. Every problem (YAML syntax, a malformed `encryptionsalt`, a secret
 * that is not a well-formed `secure:` value, another secrets provider) is an `UnreadableFileError`
 * naming the file, the line and the key path.
 */
export function parseSecretsFile(text: string, file: string): SecretsFileContent {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const firstError = doc.errors[0];
  if (firstError) {
    const position = lineCounter.linePos(firstError.pos[0]);
    throw new UnreadableFileError(
      file,
      `invalid YAML: ${firstError.message.split("\n")[0]}`,
      { line: position.line, column: position.col },
      { cause: firstError },
    );
  }
  const locate = (segments: Array<string | number>): FileLocation => {
    const node = doc.getIn(segments, true) as { range?: [number, number, number] } | undefined;
    const offset = node?.range?.[0];
    const position = offset !== undefined ? lineCounter.linePos(offset) : undefined;
    return { path: formatValuePath(segments), ...(position ? { line: position.line, column: position.col } : {}) };
  };
  const fail = (segments: Array<string | number>, problem: string, cause?: unknown): never => {
    throw new UnreadableFileError(file, problem, locate(segments), cause !== undefined ? { cause } : undefined);
  };

  if (doc.contents !== null && !isMap(doc.contents) && !(isScalar(doc.contents) && doc.contents.value === null)) {
    fail([], "the file must be a YAML mapping");
  }
  const root: unknown = doc.toJS() ?? {};
  if (!isPlainObject(root)) return fail([], "the file must be a YAML mapping");
  const content = emptySecretsFile();

  for (const [key, value] of Object.entries(root)) {
    if (key === "encryptionsalt") {
      if (typeof value !== "string") fail([key], `"encryptionsalt" must be a string, found ${typeName(value)}`);
      try {
        parseEncryptionSalt(value as string);
      } catch (error) {
        fail([key], `"encryptionsalt" is malformed: ${(error as MalformedEncryptionSaltError).problem}`, error);
      }
      content.encryptionSalt = value as string;
    } else if (key === "secretsprovider" && value !== "passphrase" && value !== null && value !== undefined) {
      fail([key], `the stack uses the secrets provider "${String(value)}"; Highstate projects use a passphrase (remove "secretsprovider")`);
    } else if (key === "encryptedkey") {
      fail([key], `"encryptedkey" belongs to a cloud secrets provider; Highstate projects use a passphrase`);
    } else if (key === "config") {
      if (value === null || value === undefined) continue;
      if (!isPlainObject(value)) fail([key], `"config" must be a mapping, found ${typeName(value)}`);
      for (const [configKey, configValue] of Object.entries(value as Record<string, unknown>)) {
        if (configKey !== projectSecretsConfigKey) {
          content.otherConfig[configKey] = configValue;
          continue;
        }
        if (configValue === null || configValue === undefined) continue;
        if (!isPlainObject(configValue))
          fail(["config", configKey], `must map instance ids to their secrets, found ${typeName(configValue)}`);
        for (const [instanceId, secrets] of Object.entries(configValue as Record<string, unknown>)) {
          const at = ["config", configKey, instanceId];
          if (!isPlainObject(secrets)) fail(at, `must map secret names to secure values, found ${typeName(secrets)}`);
          const values: Record<string, string> = {};
          for (const [name, secret] of Object.entries(secrets as Record<string, unknown>)) {
            const secureValue = isPlainObject(secret) && Object.keys(secret).length === 1 ? secret.secure : undefined;
            if (typeof secureValue !== "string") fail([...at, name], `a secret must be stored as "secure: v1:…", never in plain text`);
            try {
              parseSecureValue(secureValue as string);
            } catch (error) {
              fail([...at, name, "secure"], `malformed secure value: ${(error as MalformedSecureValueError).problem}`, error);
            }
            values[name] = secureValue as string;
          }
          content.secrets[instanceId] = values;
        }
      }
    } else {
      content.otherTopLevel[key] = value;
    }
  }
  const hasSecrets = Object.values(content.secrets).some((values) => Object.keys(values).length > 0);
  if (hasSecrets && content.encryptionSalt === undefined)
    fail([], `the file has secure values but no "encryptionsalt", so no password can decrypt them`);
  return content;
}

/** Serialises the content deterministically: sorted keys, empty sections left out, newline at the end. */
export function serializeSecretsFile(content: SecretsFileContent): string {
  const secrets: Record<string, Record<string, { secure: string }>> = {};
  for (const [instanceId, values] of Object.entries(content.secrets)) {
    const entries = Object.entries(values);
    if (entries.length > 0) secrets[instanceId] = Object.fromEntries(entries.map(([name, secure]) => [name, { secure }]));
  }
  const config: Record<string, unknown> = { ...content.otherConfig };
  if (Object.keys(secrets).length > 0) config[projectSecretsConfigKey] = secrets;
  const document: Record<string, unknown> = { ...content.otherTopLevel };
  if (content.encryptionSalt !== undefined) document.encryptionsalt = content.encryptionSalt;
  if (Object.keys(config).length > 0) document.config = config;
  if (Object.keys(document).length === 0) return "";
  return stringify(sortKeysDeep(document), { lineWidth: 0, indent: 2 });
}
