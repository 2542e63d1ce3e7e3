import { isDeepStrictEqual } from "node:util";
import { type Document, isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument, stringify } from "yaml";
import { sortKeysDeep } from "../fs/canonical.js";
import { type FileLocation, formatValuePath, UnreadableFileError } from "../fs/errors.js";
import { lineAndColumn, maxJsonDepth } from "../fs/json-syntax.js";
import { secretBindingPattern, secretBindingsConfigKey } from "./bindings.js";
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
  /** Instance id → secret name → binding (`hmac-sha256:<hex>`, see `bindings.ts`), under `highstate:secretBindings`. */
  bindings: Record<string, Record<string, string>>;
  /** Other config keys, kept as they are. */
  otherConfig: Record<string, unknown>;
  /** Other top-level keys (e.g. `environment`), kept as they are. */
  otherTopLevel: Record<string, unknown>;
}

/** Content of a file that does not exist yet. */
export function emptySecretsFile(): SecretsFileContent {
  return { encryptionSalt: undefined, secrets: {}, bindings: {}, otherConfig: {}, otherTopLevel: {} };
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
 * The offset where flow collections (`[`, `{`) nest deeper than {@link maxJsonDepth}, found before
 * parsing: the YAML parser recurses per level and would overflow the stack on a hostile file.
 * Quoted strings and comments are skipped; block nesting needs an indentation per level, which the
 * parser's own limits and the check after parsing cover.
 */
function deepFlowNesting(text: string): number | undefined {
  let depth = 0;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (char === "[" || char === "{") {
      depth += 1;
      if (depth > maxJsonDepth) return index;
    } else if (char === "]" || char === "}") depth = Math.max(0, depth - 1);
    else if (char === "#" && (index === 0 || /\s/.test(text[index - 1]!))) {
      while (index < text.length && text[index] !== "\n") index++;
    } else if (char === '"' || char === "'") {
      for (index++; index < text.length && text[index] !== char; index++) if (char === '"' && text[index] === "\\") index++;
    }
  }
  return undefined;
}

/**
 * Walks the syntax tree without recursion and reports the first node that cannot be read without
 * loss: a key `__proto__` (JavaScript objects drop it), a string holding a lone surrogate (not text;
 * it would be replaced when written), or nesting deeper than {@link maxJsonDepth}.
 */
function checkNodes(doc: Document.Parsed, report: (node: Node, problem: string) => never): void {
  const pending: Array<[unknown, number]> = [[doc.contents, 0]];
  while (pending.length > 0) {
    const [node, depth] = pending.pop()!;
    if (isScalar(node)) {
      if (typeof node.value === "string" && !(node.value as string & { isWellFormed(): boolean }).isWellFormed())
        report(node, "a string holds a lone surrogate (an escape such as \\ud800 that is not text); remove it");
    } else if (isMap(node) || isSeq(node)) {
      if (depth >= maxJsonDepth) report(node, `the document is nested more than ${maxJsonDepth} levels deep (a damaged or hostile file)`);
      for (const item of node.items) {
        if (isPair(item)) {
          if (isScalar(item.key) && item.key.value === "__proto__")
            report(
              item.key,
              'the key "__proto__" cannot be kept (JavaScript treats it as the object\'s prototype, so it would be dropped on the next write); rename it',
            );
          pending.push([item.key, depth + 1], [item.value, depth + 1]);
        } else pending.push([item, depth + 1]);
      }
    }
  }
}

/**
 * Parses a `Pulumi.<project>.yaml`. Every problem (YAML syntax, a malformed `encryptionsalt`, a secret
 * that is not a well-formed `secure:` value, another secrets provider) is an `UnreadableFileError`
 * naming the file, the line and the key path.
 */
export function parseSecretsFile(text: string, file: string): SecretsFileContent {
  const lineCounter = new LineCounter();
  const deepAt = deepFlowNesting(text);
  if (deepAt !== undefined)
    throw new UnreadableFileError(
      file,
      `the document is nested more than ${maxJsonDepth} levels deep (a damaged or hostile file)`,
      lineAndColumn(text, deepAt),
    );
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  } catch (error) {
    // The parser recurses per nesting level; a hostile depth overflows the stack.
    if (error instanceof RangeError)
      throw new UnreadableFileError(file, "the document is nested too deeply (a damaged or hostile file)", undefined, { cause: error });
    throw error;
  }
  const firstError = doc.errors[0];
  if (firstError) {
    if (/call stack/i.test(firstError.message))
      throw new UnreadableFileError(file, "the document is nested too deeply (a damaged or hostile file)", undefined, {
        cause: firstError,
      });
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

  // Highstate never writes an empty file (it removes it instead), so an empty one was truncated or
  // emptied by something else: taking it as "no password yet" would let the next write pick a new salt.
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    throw new UnreadableFileError(
      file,
      "the file is empty (was it truncated?); restore it from version control, or delete it if the project really has no password and no secrets yet",
    );
  }
  if (!isMap(doc.contents)) {
    fail([], "the file must be a YAML mapping");
  }
  checkNodes(doc, (node, problem) => {
    const offset = node.range?.[0];
    const position = offset !== undefined ? lineCounter.linePos(offset) : undefined;
    throw new UnreadableFileError(file, problem, position ? { line: position.line, column: position.col } : undefined);
  });
  let root: unknown;
  try {
    root = doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (error) {
    throw new UnreadableFileError(
      file,
      `${(error as Error).message} (YAML aliases that expand into a huge document); remove the aliases`,
      undefined,
      { cause: error },
    );
  }
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
        if (configKey === secretBindingsConfigKey) {
          if (configValue === null || configValue === undefined) continue;
          if (!isPlainObject(configValue))
            fail(["config", configKey], `must map instance ids to the bindings of their secrets, found ${typeName(configValue)}`);
          for (const [instanceId, names] of Object.entries(configValue as Record<string, unknown>)) {
            const at = ["config", configKey, instanceId];
            if (!isPlainObject(names)) fail(at, `must map secret names to bindings, found ${typeName(names)}`);
            const bindings: Record<string, string> = {};
            for (const [name, binding] of Object.entries(names as Record<string, unknown>)) {
              if (typeof binding !== "string" || !secretBindingPattern.test(binding))
                fail(
                  [...at, name],
                  `a binding must look like "hmac-sha256:<64 hex digits>" (written by Highstate; restore it or accept the secret again)`,
                );
              bindings[name] = binding as string;
            }
            content.bindings[instanceId] = bindings;
          }
          continue;
        }
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
  const bindings: Record<string, Record<string, string>> = {};
  for (const [instanceId, names] of Object.entries(content.bindings))
    if (Object.keys(names).length > 0) bindings[instanceId] = { ...names };
  const config: Record<string, unknown> = { ...content.otherConfig };
  if (Object.keys(secrets).length > 0) config[projectSecretsConfigKey] = secrets;
  if (Object.keys(bindings).length > 0) config[secretBindingsConfigKey] = bindings;
  const document: Record<string, unknown> = { ...content.otherTopLevel };
  if (content.encryptionSalt !== undefined) document.encryptionsalt = content.encryptionSalt;
  if (Object.keys(config).length > 0) document.config = config;
  if (Object.keys(document).length === 0) return "";
  return stringify(sortKeysDeep(document), { lineWidth: 0, indent: 2 });
}

/**
 * The text of a `Pulumi.<project>.yaml` after a change from `previous` to `next`, edited in place so
 * comments, tags, quoting and key order of the untouched parts stay as they were (as Pulumi's own
 * writer keeps them): only the changed `secure:` values, their bindings, the `encryptionsalt` and
 * emptied sections are touched. When an in-place edit cannot be made exactly, the canonical form is written instead.
 */
export function updateSecretsText(previousText: string, previous: SecretsFileContent, next: SecretsFileContent, file: string): string {
  try {
    const doc = parseDocument(previousText, { uniqueKeys: true });
    const configBefore = doc.get("config");
    const configHadItems = isMap(configBefore) && configBefore.items.length > 0;
    if (next.encryptionSalt !== previous.encryptionSalt) {
      if (next.encryptionSalt === undefined) doc.delete("encryptionsalt");
      else doc.set("encryptionsalt", next.encryptionSalt);
    }
    const base = ["config", projectSecretsConfigKey];
    for (const [instanceId, values] of Object.entries(previous.secrets)) {
      for (const name of Object.keys(values)) if (next.secrets[instanceId]?.[name] === undefined) doc.deleteIn([...base, instanceId, name]);
      if (Object.keys(next.secrets[instanceId] ?? {}).length === 0 && doc.hasIn([...base, instanceId])) doc.deleteIn([...base, instanceId]);
    }
    // New entries are appended in sorted order; existing ones keep their place.
    for (const instanceId of Object.keys(next.secrets).sort()) {
      const values = next.secrets[instanceId]!;
      for (const name of Object.keys(values).sort()) {
        if (previous.secrets[instanceId]?.[name] !== values[name]) doc.setIn([...base, instanceId, name, "secure"], values[name]);
      }
    }
    if (Object.values(next.secrets).every((values) => Object.keys(values).length === 0) && doc.hasIn(base)) doc.deleteIn(base);
    const bindingsBase = ["config", secretBindingsConfigKey];
    for (const [instanceId, names] of Object.entries(previous.bindings)) {
      for (const name of Object.keys(names))
        if (next.bindings[instanceId]?.[name] === undefined) doc.deleteIn([...bindingsBase, instanceId, name]);
      if (Object.keys(next.bindings[instanceId] ?? {}).length === 0 && doc.hasIn([...bindingsBase, instanceId]))
        doc.deleteIn([...bindingsBase, instanceId]);
    }
    for (const instanceId of Object.keys(next.bindings).sort()) {
      const names = next.bindings[instanceId]!;
      for (const name of Object.keys(names).sort()) {
        if (previous.bindings[instanceId]?.[name] !== names[name]) doc.setIn([...bindingsBase, instanceId, name], names[name]);
      }
    }
    if (Object.values(next.bindings).every((names) => Object.keys(names).length === 0) && doc.hasIn(bindingsBase))
      doc.deleteIn(bindingsBase);
    const config = doc.get("config");
    // A section emptied by this change goes; one the user left empty stays.
    if (configHadItems && isMap(config) && config.items.length === 0) doc.delete("config");
    const text = doc.toString({ lineWidth: 0 });
    if (isDeepStrictEqual(parseSecretsFile(text, file), next)) return text;
  } catch {
    // Fall through to the canonical form.
  }
  return serializeSecretsFile(next);
}
