/** Test helpers for Kubernetes unit programs: validate recorded objects against the Kubernetes schema. */
export * from "./validate.js";
