/**
 * `@highstate/runner/testing`: what tests of component packages (and of programs embedding the runner)
 * need to run projects without Pulumi. `FakeEngine` runs units in memory: it records every call, returns
 * placeholder outputs (or what a test's behaviour returns) and can fail, hang or be cancelled on cue; pass
 * it as the orchestrator's engine. The `highstate` CLI uses it when `HIGHSTATE_ENGINE=fake` is set.
 *
 * For tests that serve the designer from in-memory definitions (the designer's browser tests), it also
 * exports what builds a workspace registry without installed packages and seeds project files.
 */
export {
  FakeEngine,
  type FakeEngineCall,
  type FakeEngineOptions,
  type FakeResourceStep,
  type FakeUnitBehavior,
  fakeEngineFromEnvironment,
  parseFakeSteps,
  placeholderOutputs,
} from "../engine/fake-engine.js";
export { buildRegistryFromDefinitions } from "../registry/build.js";
// What a test harness needs to stand up the real server on a throw-away workspace with definitions
// given in memory (the designer's browser tests and benchmark use these).
export type { PluginPackage } from "../registry/discover.js";
export { WorkspaceRegistry } from "../registry/workspace-registry.js";
export { workspacePaths } from "../workspace/paths.js";
export { serializeProject } from "../workspace/project-file.js";
