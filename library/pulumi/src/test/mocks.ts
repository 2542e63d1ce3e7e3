import * as pulumi from "@pulumi/pulumi";

/** A resource the program registered, as the mock runtime saw it. */
export interface RecordedResource {
  /** The type token, e.g. `kubernetes:apps/v1:Deployment` or `pulumi-nodejs:dynamic/example:Record`. */
  type: string;
  /** The Pulumi resource name. */
  name: string;
  /** The resolved inputs, with secrets unwrapped to their plain values (see `secretInputs`). */
  inputs: Record<string, unknown>;
  /**
   * Paths of the inputs that were secret (`credentials`, `stringData`). Pulumi reports secretness on
   * the enclosing property, so a secret nested in an object marks that object.
   */
  secretInputs: string[];
  /** The id the mock gave the resource (`undefined` for component resources). */
  id: string | undefined;
  /** Whether it is a custom resource (managed by a provider) rather than a component. */
  custom: boolean;
  /** The provider reference, when the resource was given an explicit provider. */
  provider?: string;
  /** The state the mock returned, which became the resource's outputs. */
  state: Record<string, unknown>;
}

/** A provider function call (invoke) the program made. */
export interface RecordedCall {
  /** The function token, e.g. `kubernetes:helm:template`. */
  token: string;
  /** The resolved arguments, secrets unwrapped. */
  inputs: Record<string, unknown>;
  /** The provider reference, when given. */
  provider?: string;
}

/**
 * Mocks for resources and calls. They receive inputs with secrets unwrapped to plain values. Return
 * `undefined` from either to fall back to the default, which echoes the inputs as the state (so
 * outputs equal inputs) and gives custom resources the id `<name>-id`. Either way, a state property
 * whose input of the same name was secret stays secret, as with a real provider.
 */
export interface TestMocks {
  newResource?(
    args: pulumi.runtime.MockResourceArgs,
  ): pulumi.runtime.MockResourceResult | undefined | Promise<pulumi.runtime.MockResourceResult | undefined>;
  call?(args: pulumi.runtime.MockCallArgs): pulumi.runtime.MockCallResult | undefined | Promise<pulumi.runtime.MockCallResult | undefined>;
}

function isSecretWrapper(value: unknown): value is { value: unknown } {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<string, unknown>)[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig
  );
}

/**
 * Replaces the secret wrappers of serialized Pulumi values by their plain values and collects the
 * dotted paths of the secrets; the unknown sentinel of previews becomes `undefined`.
 */
export function unwrapSecrets(value: unknown, secretPaths: string[] = [], path = ""): unknown {
  if (isSecretWrapper(value)) {
    secretPaths.push(path);
    return unwrapSecrets(value.value, [], path);
  }
  if (value === pulumi.runtime.unknownValue) return undefined;
  if (Array.isArray(value)) return value.map((item, index) => unwrapSecrets(item, secretPaths, `${path}[${index}]`));
  if (typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) result[key] = unwrapSecrets(item, secretPaths, path ? `${path}.${key}` : key);
    return result;
  }
  return value;
}

function wrapSecret(value: unknown): unknown {
  return isSecretWrapper(value) ? value : { [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig, value };
}

/**
 * Marks state properties secret when the input of the same name was secret, as the Pulumi engine
 * does for provider outputs, so secretness survives a mock that returns plain values.
 */
function carrySecretness(state: Record<string, unknown>, secretInputPaths: string[]): Record<string, unknown> {
  const secretKeys = new Set(secretInputPaths.map((path) => path.split(/[.[]/)[0]!));
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(state)) result[key] = secretKeys.has(key) && value !== undefined ? wrapSecret(value) : value;
  return result;
}

/** Records what a program registers and answers the mock monitor with the configured or default mocks. */
export class MockRecorder {
  readonly resources: RecordedResource[] = [];
  readonly calls: RecordedCall[] = [];

  constructor(private readonly mocks: TestMocks = {}) {}

  /** The `pulumi.runtime.Mocks` to install. Configured mocks see inputs with secrets unwrapped. */
  toMocks(): pulumi.runtime.Mocks {
    return {
      newResource: async (args) => {
        const secretInputs: string[] = [];
        const inputs = unwrapSecrets(args.inputs, secretInputs) as Record<string, unknown>;
        const answer = (await this.mocks.newResource?.({ ...args, inputs })) ?? {
          id: args.custom ? `${args.name}-id` : undefined,
          state: { ...inputs },
        };
        const result = { id: answer.id, state: carrySecretness(answer.state ?? {}, secretInputs) };
        if (args.type !== "pulumi:pulumi:Stack") {
          this.resources.push({
            type: args.type,
            name: args.name,
            inputs,
            secretInputs,
            id: result.id,
            custom: args.custom === true,
            ...(args.provider ? { provider: args.provider } : {}),
            state: unwrapSecrets(result.state) as Record<string, unknown>,
          });
        }
        return result;
      },
      call: async (args) => {
        const inputs = unwrapSecrets(args.inputs) as Record<string, unknown>;
        this.calls.push({ token: args.token, inputs, ...(args.provider ? { provider: args.provider } : {}) });
        return (await this.mocks.call?.({ ...args, inputs })) ?? { ...inputs };
      },
    };
  }
}
