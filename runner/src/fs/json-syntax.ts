import { UnreadableFileError } from "./errors.js";

/** The first syntax error in a JSON text: where it is and what is wrong. */
export interface JsonSyntaxError {
  /** 0-based offset into the text. */
  offset: number;
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
  /** What is wrong, e.g. `unexpected end of the file (is it truncated?)`. */
  message: string;
}

/**
 * The deepest nesting of objects and arrays a workspace file may have. Real project and state files
 * stay far below it; a deeper document is damaged or hostile, and code that walks values recursively
 * (hashing, sorting keys, schema checks) must never meet one.
 */
export const maxJsonDepth = 128;

/** Converts a 0-based offset into a 1-based line and column. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let index = 0; index < offset && index < text.length; index++) {
    if (text.charCodeAt(index) === 10) {
      line += 1;
      lineStart = index + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

class Failure {
  constructor(
    readonly offset: number,
    readonly message: string,
  ) {}
}

function describeChar(char: string | undefined): string {
  if (char === undefined) return "the end of the file";
  if (char === "\n") return "a line break";
  return JSON.stringify(char);
}

/** A string without escapes or control characters: the common case, matched in one go. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what JSON strings may not hold.
const plainString = /"[^"\\\u0000-\u001f]*"/y;
const numberPattern = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const hexPattern = /^[0-9a-fA-F]{4}$/;

/** One open object or array while scanning: objects remember their keys to catch duplicates. */
interface Frame {
  object: boolean;
  keys: Set<string> | undefined;
}

/**
 * Scans a JSON text without recursion and returns its first problem. Beyond syntax, a strict scan
 * (the default) also refuses what `JSON.parse` silently accepts but loses data on: a key given twice
 * in one object (the last one would win), the key `__proto__` (dropped by every JavaScript object),
 * `\u` escapes that leave a lone surrogate (not text, and replaced on the way to disk), and nesting
 * deeper than {@link maxJsonDepth}.
 */
function scan(text: string, strict: boolean): Failure | undefined {
  let index = 0;
  const length = text.length;
  const fail = (message: string, at = index): never => {
    throw new Failure(at, message);
  };
  const unexpected = (expected: string): never => {
    if (index >= length) fail(`unexpected end of the file while expecting ${expected} (is the file truncated?)`);
    return fail(`unexpected ${describeChar(text[index])}, expected ${expected}`);
  };
  const skipWhitespace = () => {
    for (;;) {
      const code = text.charCodeAt(index);
      if (code === 32 || code === 10 || code === 13 || code === 9) index += 1;
      else return;
    }
  };
  const literal = (word: string) => {
    for (const char of word) {
      if (text[index] !== char) unexpected(`"${word}"`);
      index += 1;
    }
  };
  /** Scans a string at `index`; returns whether it held escapes (its decoded value then differs from the raw text). */
  const string = (): boolean => {
    plainString.lastIndex = index;
    if (plainString.test(text)) {
      index = plainString.lastIndex;
      return false;
    }
    const start = index;
    index += 1;
    let pendingHigh = -1;
    for (;;) {
      const char = text[index];
      if (char === undefined) fail("unexpected end of the file inside a string (is the file truncated?)", start);
      if (strict && pendingHigh >= 0 && !(char === "\\" && text[index + 1] === "u"))
        fail("the escape of a lone surrogate (a \\uD800-\\uDBFF escape not followed by a \\uDC00-\\uDFFF one) is not text", pendingHigh);
      if (char === '"') {
        index += 1;
        return true;
      }
      if (char! < " ") fail(`a string may not contain ${char === "\n" ? "a line break" : "control characters"}; escape it`);
      if (char === "\\") {
        const escaped = text[index + 1];
        if (escaped === "u") {
          const hex = text.slice(index + 2, index + 6);
          if (!hexPattern.test(hex)) fail("invalid \\u escape: expected 4 hex digits");
          const code = Number.parseInt(hex, 16);
          if (strict) {
            if (code >= 0xdc00 && code <= 0xdfff) {
              if (pendingHigh < 0)
                fail("the escape of a lone surrogate (a \\uDC00-\\uDFFF escape without a \\uD800-\\uDBFF one before it) is not text");
              pendingHigh = -1;
            } else if (pendingHigh >= 0) {
              fail(
                "the escape of a lone surrogate (a \\uD800-\\uDBFF escape not followed by a \\uDC00-\\uDFFF one) is not text",
                pendingHigh,
              );
            } else if (code >= 0xd800 && code <= 0xdbff) {
              pendingHigh = index;
            }
          }
          index += 6;
        } else if (escaped !== undefined && '"\\/bfnrt'.includes(escaped)) {
          index += 2;
        } else {
          fail(`invalid escape ${describeChar(escaped === undefined ? undefined : `\\${escaped}`)}`);
        }
      } else {
        index += 1;
      }
    }
  };
  const number = () => {
    numberPattern.lastIndex = index;
    const match = numberPattern.exec(text);
    if (!match || match[0] === "-") unexpected("a value");
    const literal = match![0];
    if (strict) {
      const number = Number(literal);
      if (!Number.isFinite(number)) fail(`the number ${literal} is too large to be stored (it would become null); write it as a string`);
      if (Number.isInteger(number) && !Number.isSafeInteger(number) && /^-?[0-9]+$/.test(literal))
        fail(`the whole number ${literal} is too large to be kept exactly (it would be rewritten as ${number}); write it as a string`);
    }
    index += literal.length;
  };

  const stack: Frame[] = [];
  /** Scans an object key at `index` (the opening quote is there) and records it in the innermost object. */
  const key = () => {
    const start = index;
    const escaped = string();
    if (!strict) return;
    const frame = stack[stack.length - 1]!;
    const name = escaped ? (JSON.parse(text.slice(start, index)) as string) : text.slice(start + 1, index - 1);
    if (name === "__proto__")
      fail(
        'the key "__proto__" cannot be kept (JavaScript treats it as the object\'s prototype, so it would be dropped on the next write); rename it',
        start,
      );
    frame.keys ??= new Set();
    if (frame.keys.has(name))
      fail(
        `the key ${JSON.stringify(name)} appears twice in the same object (JSON readers keep only the last one, silently dropping the other); remove or rename one of them`,
        start,
      );
    frame.keys.add(name);
  };
  /** Scans one value; for `{` and `[` only opens the container (the loop below continues inside it). */
  const value = () => {
    skipWhitespace();
    const char = text[index];
    if (char === "{" || char === "[") {
      if (stack.length >= (strict ? maxJsonDepth : 100_000))
        fail(`the document is nested more than ${maxJsonDepth} levels deep (a damaged or hostile file)`);
      index += 1;
      stack.push({ object: char === "{", keys: undefined });
      skipWhitespace();
      if (text[index] === (char === "{" ? "}" : "]")) {
        index += 1;
        stack.pop();
        return;
      }
      if (char === "{") {
        if (text[index] !== '"') unexpected("a property name in double quotes");
        key();
        skipWhitespace();
        if (text[index] !== ":") unexpected('":"');
        index += 1;
      } else if (text[index] === "]") unexpected("another value (remove the trailing comma)");
      // The first member's value comes next: the caller's loop scans it.
      pendingValue = true;
      return;
    }
    if (char === '"') string();
    else if (char === "t") literal("true");
    else if (char === "f") literal("false");
    else if (char === "n") literal("null");
    else if (char === "-" || (char !== undefined && char >= "0" && char <= "9")) number();
    else unexpected("a value");
  };

  let pendingValue = false;
  try {
    value();
    for (;;) {
      if (pendingValue) {
        pendingValue = false;
        value();
        continue;
      }
      const frame = stack[stack.length - 1];
      if (!frame) break;
      skipWhitespace();
      const char = text[index];
      if (char === ",") {
        index += 1;
        skipWhitespace();
        if (frame.object) {
          if (text[index] !== '"')
            unexpected(text[index] === "}" ? "another property (remove the trailing comma)" : "a property name in double quotes");
          key();
          skipWhitespace();
          if (text[index] !== ":") unexpected('":"');
          index += 1;
        } else if (text[index] === "]") unexpected("another value (remove the trailing comma)");
        pendingValue = true;
        continue;
      }
      if (char === (frame.object ? "}" : "]")) {
        index += 1;
        stack.pop();
        continue;
      }
      unexpected(frame.object ? '"," or "}"' : '"," or "]"');
    }
    skipWhitespace();
    if (index < length) fail(`unexpected ${describeChar(text[index])} after the end of the JSON document`);
    return undefined;
  } catch (error) {
    if (!(error instanceof Failure)) throw error;
    return error;
  }
}

/**
 * Finds the first syntax error in a JSON text, with its line and column; `undefined` when the text is
 * valid JSON. `JSON.parse` reports positions inconsistently across engines, so the text is scanned
 * again to point at the exact spot.
 */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  const failure = scan(text, false);
  return failure && { offset: failure.offset, ...lineAndColumn(text, failure.offset), message: failure.message };
}

/**
 * Finds the first reason a JSON text cannot be read without losing data: a syntax error, a duplicate
 * key, a lone surrogate escape or too deep nesting. `undefined` when the text is safe to parse.
 */
export function findStrictJsonProblem(text: string): JsonSyntaxError | undefined {
  const failure = scan(text, true);
  return failure && { offset: failure.offset, ...lineAndColumn(text, failure.offset), message: failure.message };
}

/**
 * Parses JSON read from `file`, strictly: invalid JSON, a key that appears twice in one object, a lone
 * surrogate escape and nesting deeper than {@link maxJsonDepth} are each an `UnreadableFileError`
 * naming the file, the line and column of the problem, and what is wrong there.
 */
export function parseJsonDocument(text: string, file: string): unknown {
  const problem = findStrictJsonProblem(text);
  if (problem) {
    const syntax = findJsonSyntaxError(text) === undefined ? "" : "invalid JSON: ";
    throw new UnreadableFileError(file, `${syntax}${problem.message}`, { line: problem.line, column: problem.column });
  }
  return JSON.parse(text);
}
