import { type AnyComponent, isComponent } from "@highstate/contract";
import { UnitDefinitionError } from "./errors.js";
import type { UnitProgram } from "./types.js";

/** The brand every unit carries; `Symbol.for` so two copies of this package recognise each other's units. */
export const unitBrand: unique symbol = Symbol.for("highstate.unit") as never;

/** A unit: a component together with the Pulumi program that implements it. Created by {@link defineUnit}. */
export interface Unit<C extends AnyComponent = AnyComponent> {
  readonly [unitBrand]: true;
  /** The component the program implements. */
  readonly component: C;
  /**
   * The program; call it through `runUnit`, which prepares the context and validates the outputs.
   * (A method signature, so a unit of a specific component is also a `Unit<AnyComponent>`.)
   */
  program(unit: Parameters<UnitProgram<C>>[0]): ReturnType<UnitProgram<C>>;
}

/** Any unit, of any component. */
export interface AnyUnit {
  readonly [unitBrand]: true;
  readonly component: AnyComponent;
  program(unit: never): unknown;
}

/**
 * Defines the Pulumi program of a unit component. Use it as the default export of the module the
 * component's `source` names. Nothing runs on import: the runner's generated entry calls `runUnit`,
 * which reads the stack config, validates args, inputs and secrets, calls `program` with a typed
 * context and validates what it returns.
 *
 * ```ts
 * export default defineUnit(existingServer, async ({ name, args, inputs }) => {
 *   return { server: { hostname: args.endpoint, endpoints: [args.endpoint] } };
 * });
 * ```
 *
 * The component alone fixes the types (`program` is `NoInfer`): a returned `type: "A"` stays the
 * literal an entity's `z.enum(["A", "AAAA"])` asks for, and a mismatch is reported at the returned
 * field rather than at the call.
 *
 * @throws UnitDefinitionError when `component` is not a component with a `source`, or `program` is not a function.
 */
export function defineUnit<C extends AnyComponent>(component: C, program: NoInfer<UnitProgram<C>>): Unit<C> {
  if (!isComponent(component)) {
    throw new UnitDefinitionError("defineUnit expects a component created with defineComponent as its first argument");
  }
  if (component.source === undefined) {
    throw new UnitDefinitionError(
      `Component "${component.type}" has no source, so the runner cannot find this program: add source: { package, path } to its definition`,
    );
  }
  if (typeof program !== "function") {
    throw new UnitDefinitionError(`The program of unit "${component.type}" must be a function of the unit context`);
  }
  return Object.freeze({ [unitBrand]: true as const, component, program });
}

/** Tells whether a value is a unit created by `defineUnit`, also from another copy of this package. */
export function isUnit(value: unknown): value is AnyUnit {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[unitBrand] === true;
}
