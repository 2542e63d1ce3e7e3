import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { UnreadableFileError } from "./errors.js";
import { lineAndColumn } from "./json-syntax.js";

const strictDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** The offset of the first byte that does not start or continue a well-formed UTF-8 sequence. */
function firstInvalidUtf8Byte(bytes: Uint8Array): number {
  let index = 0;
  while (index < bytes.length) {
    const byte = bytes[index]!;
    let length: number;
    let min: number;
    if (byte < 0x80) {
      index += 1;
      continue;
    } else if (byte >= 0xc2 && byte <= 0xdf) {
      length = 2;
      min = 0x80;
    } else if (byte >= 0xe0 && byte <= 0xef) {
      length = 3;
      min = 0x800;
    } else if (byte >= 0xf0 && byte <= 0xf4) {
      length = 4;
      min = 0x10000;
    } else return index;
    let code = byte & (0xff >> (length + 1));
    for (let next = 1; next < length; next++) {
      const continuation = bytes[index + next];
      if (continuation === undefined || (continuation & 0xc0) !== 0x80) return index;
      code = (code << 6) | (continuation & 0x3f);
    }
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not UTF-8 either.
    if (code < min || (code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff) return index;
    index += length;
  }
  return bytes.length;
}

/**
 * Decodes a workspace file's bytes as UTF-8, strictly: a byte sequence that is not UTF-8 is an
 * `UnreadableFileError` naming the file, the line and column, and the byte, where a lenient decoder
 * would have replaced it with U+FFFD (and the next write would have stored the replacement for good).
 */
export function decodeUtf8Strict(bytes: Uint8Array, file: string): string {
  try {
    return strictDecoder.decode(bytes);
  } catch (error) {
    const offset = firstInvalidUtf8Byte(bytes);
    const before = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes.subarray(0, offset));
    const { line, column } = lineAndColumn(before, before.length);
    const byte = bytes[offset];
    throw new UnreadableFileError(
      file,
      `the file is not valid UTF-8 (the byte 0x${(byte ?? 0).toString(16).padStart(2, "0")} does not belong to a UTF-8 character); save it as UTF-8`,
      { line, column },
      { cause: error },
    );
  }
}

/** Reads a workspace file as strict UTF-8 (see {@link decodeUtf8Strict}), or returns `undefined` when it does not exist. */
export async function readTextFileIfExists(file: string): Promise<string | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  return decodeUtf8Strict(bytes, file);
}

/** The synchronous form of {@link readTextFileIfExists}. */
export function readTextFileIfExistsSync(file: string): string | undefined {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  return decodeUtf8Strict(bytes, file);
}
