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

/**
 * Finds the first syntax error in a JSON text, with its line and column; `undefined` when the text is
 * valid JSON. `JSON.parse` reports positions inconsistently across engines, so the text is scanned
 * again to point at the exact spot.
 */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  let index = 0;
  const fail = (message: string, at = index): never => {
    throw new Failure(at, message);
  };
  const unexpected = (expected: string): never => {
    if (index >= text.length) fail(`unexpected end of the file while expecting ${expected} (is the file truncated?)`);
    return fail(`unexpected ${describeChar(text[index])}, expected ${expected}`);
  };
  const skipWhitespace = () => {
    while (index < text.length && " \t\n\r".includes(text[index]!)) index += 1;
  };
  const literal = (word: string) => {
    for (const char of word) {
      if (text[index] !== char) unexpected(`"${word}"`);
      index += 1;
    }
  };
  const string = () => {
    const start = index;
    index += 1;
    for (;;) {
      const char = text[index];
      if (char === undefined) fail("unexpected end of the file inside a string (is the file truncated?)", start);
      if (char === '"') {
        index += 1;
        return;
      }
      if (char! < " ") fail(`a string may not contain ${char === "\n" ? "a line break" : "control characters"}; escape it`);
      if (char === "\\") {
        const escaped = text[index + 1];
        if (escaped === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(index + 2, index + 6))) fail("invalid \\u escape: expected 4 hex digits");
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
    const match = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/.exec(text.slice(index, index + 400));
    if (!match || match[0] === "-") unexpected("a value");
    index += match![0].length;
  };
  const value = (depth: number): void => {
    if (depth > 1000) fail("the document is nested too deeply");
    skipWhitespace();
    const char = text[index];
    if (char === "{") {
      index += 1;
      skipWhitespace();
      if (text[index] === "}") {
        index += 1;
        return;
      }
      for (;;) {
        skipWhitespace();
        if (text[index] !== '"')
          unexpected(text[index] === "}" ? "another property (remove the trailing comma)" : "a property name in double quotes");
        string();
        skipWhitespace();
        if (text[index] !== ":") unexpected('":"');
        index += 1;
        value(depth + 1);
        skipWhitespace();
        if (text[index] === ",") {
          index += 1;
          continue;
        }
        if (text[index] === "}") {
          index += 1;
          return;
        }
        unexpected('"," or "}"');
      }
    }
    if (char === "[") {
      index += 1;
      skipWhitespace();
      if (text[index] === "]") {
        index += 1;
        return;
      }
      for (;;) {
        skipWhitespace();
        if (text[index] === "]") unexpected("another value (remove the trailing comma)");
        value(depth + 1);
        skipWhitespace();
        if (text[index] === ",") {
          index += 1;
          continue;
        }
        if (text[index] === "]") {
          index += 1;
          return;
        }
        unexpected('"," or "]"');
      }
    }
    if (char === '"') string();
    else if (char === "t") literal("true");
    else if (char === "f") literal("false");
    else if (char === "n") literal("null");
    else if (char === "-" || (char !== undefined && char >= "0" && char <= "9")) number();
    else unexpected("a value");
  };
  try {
    value(0);
    skipWhitespace();
    if (index < text.length) fail(`unexpected ${describeChar(text[index])} after the end of the JSON document`);
    return undefined;
  } catch (error) {
    if (!(error instanceof Failure)) throw error;
    return { offset: error.offset, ...lineAndColumn(text, error.offset), message: error.message };
  }
}

/**
 * Parses JSON read from `file`. Invalid JSON is an `UnreadableFileError` naming the file, the line and
 * column of the first syntax error, and what is wrong there.
 */
export function parseJsonDocument(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const syntax = findJsonSyntaxError(text);
    throw new UnreadableFileError(
      file,
      `invalid JSON: ${syntax?.message ?? (error as Error).message}`,
      syntax ? { line: syntax.line, column: syntax.column } : undefined,
      { cause: error },
    );
  }
}
