/**
 * The capability interfaces of the entities `@highstate/k8s` owns or consumes in clusters:
 * `gateway-route` (implemented by gateway packages) and `dns01-solver` (implemented by DNS provider
 * packages, used by cert-manager issuers). See `docs/capabilities.md`.
 */
export * from "./dns01-solver.js";
export * from "./gateway-route.js";
