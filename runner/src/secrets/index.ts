export { type BindingCheck, checkBindings, type SecretBinder, secretBindingsConfigKey } from "./bindings.js";
export * from "./errors.js";
export { createPassphraseCrypter, type PassphraseCrypter, parseEncryptionSalt, parseSecureValue } from "./passphrase-crypter.js";
export { type AcceptedBindings, type PasswordChange, ProjectSecrets, type SecretPlace } from "./project-secrets.js";
export { projectSecretsConfigKey } from "./secrets-file.js";
