import { describe, expect, it } from "vitest";
import { UnreadableFileError } from "./errors.js";
import { findJsonSyntaxError, findStrictJsonProblem, lineAndColumn, maxJsonDepth, parseJsonDocument } from "./json-syntax.js";

describe("findJsonSyntaxError", () => {
  it("accepts valid JSON", () => {
    for (const text of ['{"a": [1, -2.5e3, true, false, null, "x\\n\\u00e9"]}', "  []  ", "0", '"s"']) {
      expect(JSON.parse(text)).toBeDefined();
      expect(findJsonSyntaxError(text)).toBeUndefined();
    }
  });

  const cases: Array<[string, number, number, RegExp]> = [
    ['{"a": 1,}', 1, 9, /another property \(remove the trailing comma\)/],
    ["[1, 2,]", 1, 7, /another value \(remove the trailing comma\)/],
    ['{\n  "a": 1\n  "b": 2\n}', 3, 3, /unexpected "\\"", expected "," or "}"/],
    ["{'a': 1}", 1, 2, /a property name in double quotes/],
    ['{"a": tru}', 1, 10, /expected "true"/],
    ['{"a": 01}', 1, 8, /expected "," or "}"/],
    ['{"a": "line\nbreak"}', 1, 12, /may not contain a line break/],
    ['{"a": "\\q"}', 1, 8, /invalid escape "\\\\q"/],
    ['{"a": 1} x', 1, 10, /after the end of the JSON document/],
    ['{"a": [1, 2', 1, 12, /end of the file .* truncated/],
    ['{"a": "unterminated', 1, 7, /inside a string \(is the file truncated\?\)/],
  ];
  for (const [text, line, column, message] of cases) {
    it(`locates the error in ${JSON.stringify(text)}`, () => {
      expect(() => JSON.parse(text)).toThrow();
      const error = findJsonSyntaxError(text);
      expect(error).toMatchObject({ line, column });
      expect(error?.message).toMatch(message);
    });
  }

  it("converts offsets to lines and columns", () => {
    expect(lineAndColumn("ab\ncd\n", 0)).toEqual({ line: 1, column: 1 });
    expect(lineAndColumn("ab\ncd\n", 4)).toEqual({ line: 2, column: 2 });
  });
});

describe("findStrictJsonProblem", () => {
  const cases: Array<[string, string, number, number, RegExp]> = [
    ["a duplicate top-level key", '{\n  "instances": [1],\n  "instances": []\n}', 3, 3, /key "instances" appears twice/],
    ["a duplicate nested key", '{"a": [{"x": 1, "y": {"k": 1}, "y": 2}]}', 1, 32, /key "y" appears twice/],
    ["a duplicate spelled with an escape", '{"ab": 1, "a\\u0062": 2}', 1, 11, /key "ab" appears twice/],
    ["a lone high surrogate", '{"a": "x\\ud800y"}', 1, 9, /lone surrogate/],
    ["a high surrogate at the end", '{"a": "\\ud83d"}', 1, 8, /lone surrogate/],
    ["a lone low surrogate", '["\\udc00"]', 1, 3, /lone surrogate/],
    ["a lone surrogate in a key", '{"\\ud800": 1}', 1, 3, /lone surrogate/],
    ["a __proto__ key", '{"args": {"__proto__": {"x": 1}}}', 1, 11, /"__proto__" cannot be kept/],
  ];
  for (const [what, text, line, column, message] of cases) {
    it(`refuses ${what}, which JSON.parse accepts`, () => {
      expect(() => JSON.parse(text)).not.toThrow();
      expect(findJsonSyntaxError(text)).toBeUndefined();
      const problem = findStrictJsonProblem(text);
      expect(problem).toMatchObject({ line, column });
      expect(problem?.message).toMatch(message);
    });
  }

  it("accepts distinct keys in sibling objects, surrogate pairs and plain text", () => {
    for (const text of ['{"a": {"x": 1}, "b": {"x": 2}}', '["\\ud83d\\ude00", "😀", "é"]', '{"a\\u0062": 1, "a": 2}']) {
      expect(findStrictJsonProblem(text)).toBeUndefined();
    }
  });

  it("refuses absurd nesting without recursing, and accepts nesting up to the limit", () => {
    for (const depth of [maxJsonDepth + 1, 5_000, 200_000]) {
      const text = `${"[".repeat(depth)}${"]".repeat(depth)}`;
      expect(findStrictJsonProblem(text)).toMatchObject({
        line: 1,
        column: maxJsonDepth + 1,
        message: expect.stringMatching(/nested more than 128 levels/),
      });
    }
    const objects = `${'{"a":'.repeat(10_000)}1${"}".repeat(10_000)}`;
    expect(findStrictJsonProblem(objects)?.message).toMatch(/nested more than/);
    const ok = `${"[".repeat(maxJsonDepth)}${"]".repeat(maxJsonDepth)}`;
    expect(findStrictJsonProblem(ok)).toBeUndefined();
    // The lenient syntax scan is iterative too: a syntax error after deep nesting is still located.
    expect(findJsonSyntaxError(`${"[".repeat(50_000)}x`)).toMatchObject({ column: 50_001 });
  });
});

describe("parseJsonDocument", () => {
  it("names the file, line and column of a duplicate key and says what to do", () => {
    let error: unknown;
    try {
      parseJsonDocument('{\n  "version": 1,\n  "version": 2\n}\n', "/ws/projects/p.json");
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UnreadableFileError);
    expect((error as UnreadableFileError).location).toEqual({ line: 3, column: 3 });
    expect((error as Error).message).toMatch(
      /^Cannot read "\/ws\/projects\/p\.json" \(line 3, column 3\): the key "version" appears twice .*remove or rename one of them.*left untouched/,
    );
  });
});
