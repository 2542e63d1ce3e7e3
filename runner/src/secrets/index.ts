export * from "./errors.js";
export { createPassphraseCrypter, parseEncryptionSalt, parseSecureValue, type PassphraseCrypter } from "./passphrase-crypter.js";
