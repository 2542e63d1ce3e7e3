import { describe, expect, it } from "vitest";
import { findJsonSyntaxError, lineAndColumn } from "./json-syntax.js";

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
