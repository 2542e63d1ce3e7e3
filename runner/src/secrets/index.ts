export * from "./errors.js";
export { createPassphraseCrypter, type PassphraseCrypter, parseEncryptionSalt, parseSecureValue } from "./passphrase-crypter.js";
export { type PasswordChange, ProjectSecrets } from "./project-secrets.js";
export { projectSecretsConfigKey } from "./secrets-file.js";
