export * from "./dns-provider.js";
export * from "./endpoint.js";
export * from "./impl-ref.js";
export * from "./server.js";
export * from "./ssh.js";
