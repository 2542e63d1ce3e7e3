import { createRequire } from "node:module";
import type * as pulumi from "@pulumi/pulumi";
import * as sshModule from "../../ssh/index.js";

/**
 * Loads a dynamic provider exactly as Pulumi's provider process does: the serialized `__provider`
 * module text, evaluated as CommonJS. Its `createRequire(cwd)("@highstate/common/ssh")` is answered
 * by this package's source instead of the (possibly unbuilt) published entry.
 */
export function loadSerializedProvider(text: string): pulumi.dynamic.ResourceProvider {
  const nodeRequire = createRequire(import.meta.url);
  const module = { exports: {} as { handler?: () => pulumi.dynamic.ResourceProvider } };
  const require = (id: string) => (id === "@highstate/common/ssh" ? sshModule : nodeRequire(id));
  const fakeProcess = Object.create(process, {
    getBuiltinModule: { value: (id: string) => (id === "node:module" ? { createRequire: () => require } : process.getBuiltinModule(id)) },
  });
  new Function("exports", "require", "module", "process", text)(module.exports, require, module, fakeProcess);
  return module.exports.handler!();
}
