/**
 * The one tsup configuration every package of the monorepo uses. It is the factory component packages
 * import from `@highstate/contract/build`, loaded here from source so the contract can build itself.
 */
export { collectEntries, defineHighstateConfig, type HighstateBuildOptions } from "../library/contract/src/build/index.ts";
