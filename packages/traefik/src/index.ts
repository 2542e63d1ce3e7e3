/**
 * The definitions of `@highstate/traefik`: the Traefik Gateway component. Importing this module never
 * loads Pulumi; the program is in `./gateway` and the `gateway-route` implementation in
 * `./impl/gateway-route`.
 */
export { gateway } from "./components/gateway/definition.js";
export { type TraefikGatewayData, traefikGatewayDataSchema } from "./shared/data.js";
