/**
 * The Talos cluster PKI: generating and reading the secrets bundle (CAs, keys, tokens), issuing
 * certificates from its CAs, the admin client certificate and the talosconfig.
 */
export * from "./certificates.js";
export * from "./secrets.js";
export * from "./talosconfig.js";
