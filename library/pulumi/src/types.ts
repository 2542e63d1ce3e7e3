import type {
  AnyComponent,
  ComponentArgs,
  Entity,
  EntityValue,
  NormalizedInputSpec,
  PageInput,
  TerminalSpecInput,
  UnitInstanceConfig,
} from "@highstate/contract";
import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";

/**
 * A value that may be given as a Pulumi input at any depth: the whole value, or any field of it, may
 * be a plain value, a promise or an `Output`. Unit outputs are typed with it, so
 * `{ hostname: facts.hostname }` (an `Output<string>`) satisfies an entity whose `hostname` is a string.
 */
export type DeepInput<T> =
  | pulumi.Input<T>
  | (T extends readonly (infer U)[]
      ? DeepInput<U>[]
      : T extends (...args: never[]) => unknown
        ? never
        : T extends object
          ? { [K in keyof T]: DeepInput<T[K]> }
          : never);

type InputOutputs<TSpec> =
  TSpec extends NormalizedInputSpec<infer TEntity extends Entity, infer TRequired, infer TMultiple>
    ? TMultiple extends true
      ? pulumi.Output<EntityValue<TEntity>>[]
      : TRequired extends false
        ? pulumi.Output<EntityValue<TEntity>> | undefined
        : pulumi.Output<EntityValue<TEntity>>
    : never;

/**
 * The inputs a unit program receives: each connected entity value as a Pulumi `Output`. A missing
 * optional single input is `undefined`; a multiple input is an array (empty when nothing is connected).
 */
export type UnitInputs<C extends AnyComponent> = { [K in keyof C["inputs"]]: InputOutputs<C["inputs"][K]> };

/**
 * The secrets a unit program receives, each as a Pulumi secret `Output`; a secret that is optional
 * and not set is `undefined`.
 */
export type UnitSecrets<C extends AnyComponent> = {
  [K in keyof C["secrets"]]: undefined extends z.output<C["secrets"][K]>
    ? pulumi.Output<NonNullable<z.output<C["secrets"][K]>>> | undefined
    : pulumi.Output<z.output<C["secrets"][K]>>;
};

/** The names of a component's secrets whose values are strings: the ones `getSecret` can generate. */
export type GeneratableSecretName<C extends AnyComponent> = {
  [K in keyof C["secrets"]]: NonNullable<z.output<C["secrets"][K]>> extends string ? K : never;
}[keyof C["secrets"]] &
  string;

/** Which instance a unit program runs for (from the stack config). */
export type UnitInstance = UnitInstanceConfig;

/** What a unit program receives when the runner (or the test kit) runs it. */
export interface UnitContext<C extends AnyComponent> {
  /** The instance name; derive Pulumi resource names from it (see `resourceName`). */
  readonly name: string;
  /** The instance: project, id (`<type>:<name>`), component type, name and stable uid. */
  readonly instance: UnitInstance;
  /** The args, validated against the component's args schema with defaults applied. */
  readonly args: ComponentArgs<C>;
  /** The connected entity values as Pulumi `Output`s (secret when the upstream output is secret). */
  readonly inputs: UnitInputs<C>;
  /** The instance's secrets as Pulumi secret `Output`s. */
  readonly secrets: UnitSecrets<C>;
  /**
   * Returns the secret `name` when the instance has it, otherwise calls `generate` once and returns
   * the generated value. A generated value is returned to the runner in `$secrets`, which stores it
   * with the instance's secrets, so the next run reuses it instead of generating a new one. The
   * secret must be declared in the component's `secrets` (usually as `z.string().optional()`), which
   * also lets the user set it by hand.
   */
  getSecret<K extends GeneratableSecretName<C>>(name: K, generate: () => pulumi.Input<string>): pulumi.Output<string>;
  /** The names of the triggers invoked for this run (e.g. a `before-destroy` trigger). */
  readonly invokedTriggers: readonly string[];
}

type OutputInput<TSpec> =
  TSpec extends NormalizedInputSpec<infer TEntity extends Entity, boolean, infer TMultiple>
    ? TMultiple extends true
      ? pulumi.Input<DeepInput<z.input<TEntity["schema"]>>[]>
      : DeepInput<z.input<TEntity["schema"]>>
    : never;

type RequiredOutputNames<C extends AnyComponent> = {
  [K in keyof C["outputs"]]: C["outputs"][K]["required"] extends false ? never : K;
}[keyof C["outputs"]];
type OptionalOutputNames<C extends AnyComponent> = Exclude<keyof C["outputs"], RequiredOutputNames<C>>;

/**
 * The entity outputs a unit program returns: every required output, optional outputs when it has
 * them; multiple outputs as arrays. Values may contain Pulumi `Output`s at any depth.
 */
export type UnitEntityOutputs<C extends AnyComponent> = { [K in RequiredOutputNames<C>]: OutputInput<C["outputs"][K]> } & {
  [K in OptionalOutputNames<C>]?: OutputInput<C["outputs"][K]> | undefined;
};

/** A status field value: strings are shown as they are, numbers and booleans are stringified. */
export type StatusFieldValue = string | number | boolean;

/** A status field in the long form. */
export interface StatusFieldInput {
  /** The value shown on the card. */
  value: pulumi.Input<StatusFieldValue>;
  /** The label shown on the card (defaults to the name). */
  title?: string;
  /** Whether the value is secret (masked until revealed, stored as a Pulumi secret). A secret `Output` value is secret anyway. */
  secret?: boolean;
}

/**
 * Status fields: a record of name → value (or long form; `undefined` entries are skipped), or an
 * array of `{ name, value, title?, secret? }`.
 */
export type StatusFieldsInput =
  | Record<string, pulumi.Input<StatusFieldValue> | StatusFieldInput | undefined>
  | ReadonlyArray<StatusFieldInput & { name: string }>;

/** The platform fields a unit program may return beside its entity outputs. */
export interface PlatformOutputsInput {
  /** Values shown on the instance card with copy buttons. */
  $statusFields?: StatusFieldsInput;
  /** Terminals the designer can open (SSH or local); always stored as a secret when they carry credentials or files. */
  $terminals?: pulumi.Input<DeepInput<TerminalSpecInput>[]>;
  /** Pages (markdown, downloadable files, QR codes); stored as a secret when a block is marked secret. */
  $pages?: pulumi.Input<DeepInput<PageInput>[]>;
  /** Triggers the unit asks for, e.g. `{ name: "cleanup", type: "before-destroy" }`. */
  $triggers?: pulumi.Input<DeepInput<{ name: string; type: "before-destroy"; title?: string }>[]>;
}

/** Everything a unit program returns: its entity outputs and the platform fields. */
export type UnitReturn<C extends AnyComponent> = UnitEntityOutputs<C> & PlatformOutputsInput;

/** The function a unit is implemented by. */
export type UnitProgram<C extends AnyComponent> = (unit: UnitContext<C>) => Promise<UnitReturn<C>> | UnitReturn<C>;
