import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { testdir } from "../test-utils/testdir.js";
import { UnreadableFileError } from "./errors.js";
import { decodeUtf8Strict, readTextFileIfExists } from "./strict-text.js";

function decodeError(bytes: number[] | Uint8Array): UnreadableFileError {
  try {
    decodeUtf8Strict(Uint8Array.from(bytes), "/ws/f.json");
  } catch (error) {
    expect(error).toBeInstanceOf(UnreadableFileError);
    return error as UnreadableFileError;
  }
  throw new Error("expected a decoding error");
}

describe("decodeUtf8Strict", () => {
  it("decodes UTF-8, keeping a byte order mark for the parser to skip", () => {
    const text = '{"a": "é😀"}\n';
    expect(decodeUtf8Strict(new TextEncoder().encode(text), "f")).toBe(text);
    expect(decodeUtf8Strict(Uint8Array.from([0xef, 0xbb, 0xbf, 0x31]), "f")).toBe("\uFEFF1");
  });

  it("refuses bytes that are not UTF-8 with the line and column, where a lenient read gives U+FFFD", () => {
    const prefix = new TextEncoder().encode('{\n  "name": "é');
    const bytes = [...prefix, 0xff, 0x22, 0x7d];
    expect(Buffer.from(bytes).toString("utf8")).toContain("\uFFFD");
    const error = decodeError(bytes);
    expect(error.location).toEqual({ line: 2, column: 13 });
    expect(error.message).toMatch(/"\/ws\/f\.json" \(line 2, column 13\): the file is not valid UTF-8 \(the byte 0xff/);
  });

  it("refuses truncated sequences, overlong forms, encoded surrogates and code points past U+10FFFF", () => {
    for (const bytes of [[0x61, 0xc3], [0xc0, 0xaf], [0xe0, 0x80, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0x80]]) {
      expect(decodeError(bytes).location?.line).toBe(1);
    }
    expect(decodeError([0x61, 0x62, 0xed, 0xa0, 0x80]).location).toEqual({ line: 1, column: 3 });
  });
});

describe("readTextFileIfExists", () => {
  it("reads a file strictly and gives undefined for a missing one", async () => {
    const dir = await testdir({ "ok.json": "{}", "bad.json": Uint8Array.from([0x7b, 0xfe, 0x7d]) });
    expect(await readTextFileIfExists(join(dir, "ok.json"))).toBe("{}");
    expect(await readTextFileIfExists(join(dir, "missing.json"))).toBeUndefined();
    await expect(readTextFileIfExists(join(dir, "bad.json"))).rejects.toThrow(/not valid UTF-8/);
  });
});
