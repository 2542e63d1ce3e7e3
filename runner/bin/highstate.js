#!/usr/bin/env node
import { enableCompileCache } from "node:module";

// V8 keeps the compiled code of the CLI and its dependencies on disk (Node's compile cache, under the
// OS temp folder unless NODE_COMPILE_CACHE names another; NODE_DISABLE_COMPILE_CACHE=1 turns it off),
// so later starts skip most of the compiling. It applies to modules loaded after this call, hence the
// dynamic import.
enableCompileCache?.();
const { main } = await import("../dist/cli/main.js");

process.exitCode = await main(process.argv.slice(2));
