import { createRequire } from "node:module";
import * as sshModule from "@highstate/common/ssh";
import type { TestMocks } from "@highstate/pulumi/test";
import type * as pulumi from "@pulumi/pulumi";

/**
 * Loads a dynamic provider as Pulumi's provider process does: the serialized `__provider` module text
 * evaluated as CommonJS. Its `createRequire(cwd)("@highstate/common/ssh")` gets the common package's
 * source instead of a (possibly unbuilt) published entry.
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

const commandTypes = new Set(["pulumi-nodejs:dynamic/common:ServerCommand", "pulumi-nodejs:dynamic/common:SecretServerCommand"]);

/** What the engine did with one resource in one run. */
export interface EngineStep {
  name: string;
  operation: "create" | "update" | "replace" | "same";
}

interface Stored {
  id: string;
  outs: Record<string, unknown>;
  provider: pulumi.dynamic.ResourceProvider;
}

/**
 * A small stand-in for the Pulumi engine, for the server commands of a unit run under the mock
 * runtime: every `ServerCommand` the program registers is diffed against the state of the previous
 * run and then really created, updated or left alone through its serialized provider, as `pulumi up`
 * would; other resources echo their inputs. `destroy` deletes in reverse creation order.
 */
export class CommandEngine {
  private readonly state = new Map<string, Stored>();
  /** The steps of the last run, in registration order. */
  steps: EngineStep[] = [];

  /** Mocks for `testUnit`; call once per run. */
  mocks(): TestMocks {
    this.steps = [];
    return {
      newResource: async (args) => {
        if (!commandTypes.has(args.type)) return undefined;
        const provider = loadSerializedProvider(String(args.inputs.__provider));
        const news = { inputs: args.inputs.inputs, credentials: args.inputs.credentials };
        const old = this.state.get(args.name);
        let stored: Stored;
        if (!old) {
          const created = await provider.create(news);
          stored = { id: created.id, outs: created.outs as Record<string, unknown>, provider };
          this.steps.push({ name: args.name, operation: "create" });
        } else {
          const diff = await provider.diff!(old.id, old.outs, news);
          if ((diff.replaces ?? []).length > 0) {
            await old.provider.delete!(old.id, old.outs);
            const created = await provider.create(news);
            stored = { id: created.id, outs: created.outs as Record<string, unknown>, provider };
            this.steps.push({ name: args.name, operation: "replace" });
          } else if (diff.changes) {
            const updated = await provider.update!(old.id, old.outs, news);
            stored = { id: old.id, outs: updated.outs as Record<string, unknown>, provider };
            this.steps.push({ name: args.name, operation: "update" });
          } else {
            stored = { ...old, provider };
            this.steps.push({ name: args.name, operation: "same" });
          }
        }
        // Re-inserting keeps the map in the order resources were first created.
        this.state.set(args.name, stored);
        return { id: stored.id, state: { ...stored.outs } };
      },
    };
  }

  /** Deletes every resource, last created first, as `pulumi destroy` does for a chain of dependencies. */
  async destroy(): Promise<string[]> {
    const deleted: string[] = [];
    for (const [name, stored] of [...this.state.entries()].reverse()) {
      await stored.provider.delete!(stored.id, stored.outs);
      deleted.push(name);
      this.state.delete(name);
    }
    return deleted;
  }
}
