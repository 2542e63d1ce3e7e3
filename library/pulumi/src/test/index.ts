/**
 * The mock test kit for unit programs: run a unit under Pulumi's mock runtime through the real
 * `runUnit` code path and inspect what it registered and returned. Third-party component packages use
 * it exactly as the first-party ones do.
 */
export { type ImportCheckOptions, modulesLoadedOnImport, pulumiModulesLoadedOnImport } from "./imports.js";
export { MockRecorder, type RecordedCall, type RecordedResource, type TestMocks, unwrapSecrets } from "./mocks.js";
export {
  runError,
  type TestUnitInputs,
  type TestUnitOptions,
  type TestUnitOutputs,
  type TestUnitSecrets,
  testUnit,
  type UnitTestResult,
} from "./run.js";
