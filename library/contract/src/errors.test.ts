import { describe, expect, it } from "vitest";
import { DefinitionError, DuplicateTypeError, HighstateError, isHighstateError } from "./errors.js";

class ThingNotFoundError extends HighstateError {
  static override readonly code = "thing-not-found";
  override name = "ThingNotFoundError";
}

describe("HighstateError", () => {
  it("gives every instance the stable code of its class", () => {
    const error = new ThingNotFoundError("no thing", { cause: new Error("inner") });
    expect(error.code).toBe("thing-not-found");
    expect(error.message).toBe("no thing");
    expect(error.cause).toBeInstanceOf(Error);
    expect(new HighstateError("plain").code).toBe("highstate-error");
    expect(new DefinitionError("acme.x.v1", "args.port", "must be a number").code).toBe("invalid-definition");
    expect(new DuplicateTypeError("entity", "acme.x.v1", ["a", "b"]).code).toBe("duplicate-type");
  });

  it("keeps instanceof working for subclasses and the base", () => {
    const error = new ThingNotFoundError("no thing");
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(HighstateError);
    expect(error).toBeInstanceOf(ThingNotFoundError);
    expect(new DefinitionError("a", "b", "c")).not.toBeInstanceOf(ThingNotFoundError);
    expect(new Error("x")).not.toBeInstanceOf(HighstateError);
  });

  it("recognises errors of another copy of the package by the Symbol.for marker", () => {
    // What a second copy of @highstate/contract produces: its own class, the same global marker.
    class OtherCopyError extends Error {
      readonly code = "thing-not-found";
      constructor(message: string) {
        super(message);
        Object.defineProperty(this, Symbol.for("highstate.error"), { value: true });
      }
    }
    const foreign = new OtherCopyError("from elsewhere");
    expect(foreign).toBeInstanceOf(HighstateError);
    expect(isHighstateError(foreign)).toBe(true);
    expect(isHighstateError(foreign, "thing-not-found")).toBe(true);
    expect(isHighstateError(foreign, "other", "thing-not-found")).toBe(true);
    expect(isHighstateError(foreign, "other")).toBe(false);
    expect(isHighstateError(Object.assign(new Error("x"), { code: "thing-not-found" }))).toBe(false);
    expect(isHighstateError(undefined)).toBe(false);
    expect(isHighstateError("thing-not-found")).toBe(false);
  });

  it("does not show the marker as an enumerable property", () => {
    const error = new ThingNotFoundError("no thing");
    expect(Object.keys(error)).not.toContain(Symbol.for("highstate.error"));
    expect(Object.getOwnPropertySymbols(error)).toEqual([Symbol.for("highstate.error")]);
    expect(JSON.stringify({ ...error })).not.toContain("highstate.error");
  });
});
