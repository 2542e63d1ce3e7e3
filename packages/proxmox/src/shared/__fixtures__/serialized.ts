import { createRequire } from "node:module";
import * as sshModule from "@highstate/common/ssh";
import type { TestMocks } from "@highstate/pulumi/test";
import type * as pulumi from "@pulumi/pulumi";
import * as apiModule from "../../api/index.js";

/**
 * Loads a dynamic provider as Pulumi's provider process does: the serialized `__provider` module text
 * evaluated as CommonJS, its `createRequire(cwd)(…)` of `@highstate/proxmox/api` (and of
 * `@highstate/common/ssh`) answered by the packages' source.
 */
export function loadSerializedProvider(text: string): pulumi.dynamic.ResourceProvider {
  const nodeRequire = createRequire(import.meta.url);
  const module = { exports: {} as { handler?: () => pulumi.dynamic.ResourceProvider } };
  const require = (id: string) => (id === "@highstate/proxmox/api" ? apiModule : id === "@highstate/common/ssh" ? sshModule : nodeRequire(id));
  const fakeProcess = Object.create(process, {
    getBuiltinModule: { value: (id: string) => (id === "node:module" ? { createRequire: () => require } : process.getBuiltinModule(id)) },
  });
  new Function("exports", "require", "module", "process", text)(module.exports, require, module, fakeProcess);
  return module.exports.handler!();
}

/**
 * Mocks under which the package's dynamic resources really run: each one registered is created
 * through its serialized provider (so against whatever API its inputs name, e.g. the fake Proxmox
 * API), as `pulumi up` would on a first run; everything else echoes its inputs.
 */
export function executingMocks(): TestMocks {
  return {
    newResource: async (args) => {
      if (!args.type.startsWith("pulumi-nodejs:dynamic/proxmox:")) return undefined;
      const provider = loadSerializedProvider(String(args.inputs.__provider));
      const created = await provider.create({ inputs: args.inputs.inputs, credentials: args.inputs.credentials });
      return { id: created.id, state: { ...created.outs } };
    },
  };
}
