/**
 * `@highstate/runner/api`: the designer API types, which live in `@highstate/project/api` (the layer the
 * runner and the designer both import). Kept for programs that import them from the runner.
 */
export * from "@highstate/project/api";
