/**
 * What production builds use in place of `bench-hooks.ts` (`vite.config.ts` swaps the module unless
 * built with `--mode bench`): the same exports, doing nothing, so no measuring code or `window.__bench`
 * ships to users.
 */
import type * as hooks from "./bench-hooks.js";

export const benchMode: typeof hooks.benchMode = false;
export const setBenchVisibleOnly: typeof hooks.setBenchVisibleOnly = () => {};
export const installBenchHooks: typeof hooks.installBenchHooks = () => {};
export const benchViewport: typeof hooks.benchViewport = () => undefined;
export const BenchRegistrar: typeof hooks.BenchRegistrar = () => null;
