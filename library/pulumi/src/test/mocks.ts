import * as pulumi from "@pulumi/pulumi";

/** A resource the program registered, as the mock runtime saw it. */
export interface RecordedResource {
  /** The type token, e.g. `kubernetes:apps/v1:Deployment` or `pulumi-nodejs:dynamic/example:Record`. */
  type: string;
  /** The Pulumi resource name. */
  name: string;
  /** The resolved inputs, with secrets unwrapped to their plain values (see `secretInputs`). */
  inputs: Record<string, unknown>;
  /** Dotted paths of the inputs that were secret (`credentials`, `spec.password`). */
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
 * Mocks for resources and calls. Return `undefined` from either to fall back to the default, which
 * echoes the inputs as the state (so outputs equal inputs) and gives custom resources the id `<name>-id`.
 */
export interface TestMocks {
  newResource?(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult | undefined | Promise<pulumi.runtime.MockResourceResult | undefined>;
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

/** Records what a program registers and answers the mock monitor with the configured or default mocks. */
export class MockRecorder {
  readonly resources: RecordedResource[] = [];
  readonly calls: RecordedCall[] = [];

  constructor(private readonly mocks: TestMocks = {}) {}

  /** The `pulumi.runtime.Mocks` to install. */
  toMocks(): pulumi.runtime.Mocks {
    return {
      newResource: async (args) => {
        const result = (await this.mocks.newResource?.(args)) ?? {
          id: args.custom ? `${args.name}-id` : undefined,
          state: { ...args.inputs },
        };
        if (args.type !== "pulumi:pulumi:Stack") {
          const secretInputs: string[] = [];
          this.resources.push({
            type: args.type,
            name: args.name,
            inputs: unwrapSecrets(args.inputs, secretInputs) as Record<string, unknown>,
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
        this.calls.push({
          token: args.token,
          inputs: unwrapSecrets(args.inputs) as Record<string, unknown>,
          ...(args.provider ? { provider: args.provider } : {}),
        });
        return (await this.mocks.call?.(args)) ?? { ...args.inputs };
      },
    };
  }
}
