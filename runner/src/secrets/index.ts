export * from "./errors.js";
export { createPassphraseCrypter, parseEncryptionSalt, parseSecureValue, type PassphraseCrypter } from "./passphrase-crypter.js";
export { type PasswordChange, ProjectSecrets } from "./project-secrets.js";
export { projectSecretsConfigKey } from "./secrets-file.js";
