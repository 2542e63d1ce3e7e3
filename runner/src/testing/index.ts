/**
 * `@highstate/runner/testing`: what tests of component packages (and of programs embedding the runner)
 * need to run projects without Pulumi. `FakeEngine` runs units in memory: it records every call, returns
 * placeholder outputs (or what a test's behaviour returns) and can fail, hang or be cancelled on cue; pass
 * it as the orchestrator's engine. The `highstate` CLI uses it when `HIGHSTATE_ENGINE=fake` is set.
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
