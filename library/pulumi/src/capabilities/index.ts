/**
 * Capabilities: how a consumer uses an abstract entity (a DNS provider, a gateway) without knowing
 * which package implements it. The entity carries `implRef: { package, data }`; the consumer calls
 * {@link callCapability}, which imports `<package>/impl/<capability>` from the workspace. Interfaces
 * are defined with {@link defineCapability} in the package owning the entity, implementations with
 * {@link implementCapability}. See `docs/capabilities.md`.
 */
export {
  type Capability,
  type CapabilityCall,
  type CapabilityCallContext,
  type CapabilityImplementation,
  type CapabilityRequest,
  type CapabilityRequestInput,
  type CapabilityResult,
  type CapabilityResultInput,
  defineCapability,
  implementCapability,
  isCapability,
  isCapabilityImplementation,
  parseCapabilityValue,
} from "./define.js";
export * from "./errors.js";
export {
  type CallCapabilityOptions,
  type CapabilityResolution,
  callCapability,
  configureCapabilities,
  type ResolvedCapabilityModule,
  resolveCapabilityModule,
} from "./resolve.js";
