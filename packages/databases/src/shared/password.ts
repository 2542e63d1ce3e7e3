import { randomInt } from "node:crypto";

const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

/** A random password of `length` letters and digits (no look-alikes): 24 characters carry about 140 bits. */
export function generatePassword(length = 24): string {
  let password = "";
  for (let index = 0; index < length; index++) password += alphabet[randomInt(alphabet.length)];
  return password;
}
