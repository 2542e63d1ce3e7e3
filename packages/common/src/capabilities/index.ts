/**
 * The capability interfaces of the entities `@highstate/common` owns. A DNS provider package
 * implements `dns-record` in its `./impl/dns-record` module; see `docs/capabilities.md`.
 */
export * from "./dns-record.js";
