import * as pulumi from "@pulumi/pulumi";
import type { DeepInput } from "./types.js";

/** What a dynamic resource keeps in its state: the inputs it was created or updated with, and the provider's outputs. */
export interface DynamicResourceState<TInputs, TOutputs> {
  inputs: TInputs;
  outputs: TOutputs;
}

/**
 * The operations of a dynamic resource. Every method receives the credentials as a plain argument:
 * they travel as a secret resource input and are kept as a secret in the state (so `update` and
 * `delete` have them), never inside the serialized provider code.
 *
 * The methods are serialized with Pulumi's closure serializer and run in a separate provider process.
 * Inside them, use only globals (`fetch`, `globalThis.crypto`) and `require(…)` or `await import(…)`
 * made inside the method; do not capture imported modules, classes or mutable state.
 */
export interface DynamicProvider<TInputs, TOutputs, TCredentials> {
  /** Creates the resource and returns its id and outputs. */
  create(inputs: TInputs, credentials: TCredentials): Promise<{ id: string; outputs?: TOutputs }>;
  /**
   * Updates the resource in place and returns its new outputs. Without `update`, any change of the
   * inputs replaces the resource (delete and create).
   */
  update?(id: string, olds: DynamicResourceState<TInputs, TOutputs>, news: TInputs, credentials: TCredentials): Promise<TOutputs>;
  /** Deletes the resource. Without `delete`, the resource is only removed from the state. */
  delete?(id: string, state: DynamicResourceState<TInputs, TOutputs>, credentials: TCredentials): Promise<void>;
  /** Input fields whose change needs a replacement even though `update` exists. */
  replaceOnChanges?: string[];
  /** Whether a replacement deletes the old resource before creating the new one (for unique names). */
  deleteBeforeReplace?: boolean;
}

/** The arguments of a dynamic resource: its inputs and the credentials its provider uses. */
export interface DynamicResourceArgs<TInputs, TCredentials> {
  /** The inputs passed to `create` and `update`; a secret input keeps the stored `inputs` secret. */
  inputs: DeepInput<TInputs>;
  /** The credentials passed to every provider method; always stored as a secret. */
  credentials: DeepInput<TCredentials>;
}

/** A dynamic resource created by a class from {@link defineDynamicResource}. */
export interface DynamicResource<TInputs, TOutputs> extends pulumi.CustomResource {
  /** The inputs the resource was last created or updated with. */
  readonly inputs: pulumi.Output<TInputs>;
  /** What the provider's `create` or `update` returned. */
  readonly outputs: pulumi.Output<TOutputs>;
}

/** The class {@link defineDynamicResource} returns. */
export type DynamicResourceClass<TInputs, TOutputs, TCredentials> = new (
  name: string,
  args: DynamicResourceArgs<TInputs, TCredentials>,
  opts?: pulumi.CustomResourceOptions,
) => DynamicResource<TInputs, TOutputs>;

type Props = { inputs?: Record<string, unknown>; credentials?: unknown; outputs?: unknown };

/**
 * Wraps a {@link DynamicProvider} as a Pulumi `ResourceProvider` (exported for tests; not part of the package API). Everything the returned provider
 * uses is defined in this function's scope, because Pulumi serializes it by value; it captures only
 * `provider` itself.
 */
export function toResourceProvider<TInputs, TOutputs, TCredentials>(
  provider: DynamicProvider<TInputs, TOutputs, TCredentials>,
): pulumi.dynamic.ResourceProvider<Props, Props> {
  const stable = (value: unknown): string =>
    JSON.stringify(value ?? null, (_key, item: unknown) =>
      typeof item === "object" && item !== null && !Array.isArray(item)
        ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
        : item,
    );
  const state = (props: Props) => ({ inputs: props.inputs as TInputs, outputs: (props.outputs ?? {}) as TOutputs });
  return {
    async diff(_id, olds, news) {
      const before = olds.inputs ?? {};
      const after = news.inputs ?? {};
      const changed = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
        (key) => stable(before[key]) !== stable(after[key]),
      );
      const replaceOn = provider.update ? (provider.replaceOnChanges ?? []) : changed;
      const replace = changed.some((key) => replaceOn.includes(key));
      // A credentials change alone is an in-place update that only stores the new credentials, so a later delete uses them.
      const credentialsChanged = stable(olds.credentials) !== stable(news.credentials);
      return {
        changes: changed.length > 0 || credentialsChanged,
        replaces: replace ? ["inputs"] : [],
        deleteBeforeReplace: provider.deleteBeforeReplace === true,
      };
    },
    async create(props) {
      const result = await provider.create(props.inputs as TInputs, props.credentials as TCredentials);
      return { id: result.id, outs: { inputs: props.inputs, credentials: props.credentials, outputs: result.outputs ?? {} } };
    },
    async update(id, olds, news) {
      let outputs: unknown = olds.outputs ?? {};
      if (stable(olds.inputs) !== stable(news.inputs)) {
        if (!provider.update)
          throw new Error(`The dynamic resource "${id}" cannot be updated in place; its inputs changed, so it must be replaced`);
        outputs = await provider.update(id, state(olds), news.inputs as TInputs, news.credentials as TCredentials);
      }
      return { outs: { inputs: news.inputs, credentials: news.credentials, outputs } };
    },
    async delete(id, props) {
      if (provider.delete) await provider.delete(id, state(props), props.credentials as TCredentials);
    },
  };
}

/**
 * Defines a dynamic resource type whose provider gets its credentials as a secret input. Credentials
 * captured in provider code would be serialized in plaintext into the state (pulumi/pulumi#8265);
 * passed this way they are a secret input, a secret output (so `update` and `delete` have them) and
 * never part of the provider code. The type token is `pulumi-nodejs:dynamic/<module>:<type>`.
 *
 * ```ts
 * const DnsRecord = defineDynamicResource<RecordInputs, { recordId: string }, { apiToken: string }>({
 *   module: "cloudflare",
 *   type: "DnsRecord",
 *   provider: {
 *     async create(inputs, { apiToken }) {
 *       const response = await fetch(`https://api.example.com/records`, { method: "POST", headers: { authorization: `Bearer ${apiToken}` }, body: JSON.stringify(inputs) });
 *       const { id } = await response.json();
 *       return { id, outputs: { recordId: id } };
 *     },
 *     async delete(id, _state, { apiToken }) { … },
 *   },
 * });
 * new DnsRecord(resourceName(unit), { inputs: { name: "www" }, credentials: { apiToken: secrets.apiToken } });
 * ```
 */
export function defineDynamicResource<TInputs extends object, TOutputs extends object, TCredentials>(definition: {
  /** The module part of the type token, e.g. `cloudflare`. */
  module: string;
  /** The type part of the type token, e.g. `DnsRecord`. */
  type: string;
  /** The provider operations. */
  provider: DynamicProvider<TInputs, TOutputs, TCredentials>;
  /** Whether the provider's `outputs` are stored as a secret (e.g. when they hold a generated token). */
  secretOutputs?: boolean;
}): DynamicResourceClass<TInputs, TOutputs, TCredentials> {
  const resourceProvider = toResourceProvider(definition.provider);
  const secretOutputs = definition.secretOutputs ? ["credentials", "outputs"] : ["credentials"];
  class Resource extends pulumi.dynamic.Resource {
    declare readonly inputs: pulumi.Output<TInputs>;
    declare readonly outputs: pulumi.Output<TOutputs>;

    constructor(name: string, args: DynamicResourceArgs<TInputs, TCredentials>, opts?: pulumi.CustomResourceOptions) {
      super(
        resourceProvider,
        name,
        { inputs: args.inputs, credentials: pulumi.secret(args.credentials), outputs: undefined },
        { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...secretOutputs] },
        definition.module,
        definition.type,
      );
    }
  }
  return Resource as unknown as DynamicResourceClass<TInputs, TOutputs, TCredentials>;
}
