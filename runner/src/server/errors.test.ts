import { readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import * as contract from "@highstate/contract";
import { HighstateError, isHighstateError } from "@highstate/contract";
import { describe, expect, it } from "vitest";
import { exitCodeOf } from "../cli/errors.js";
import * as engineErrors from "../engine/errors.js";
import { errorCodes, errorKind, exitCodeForKind } from "../errors/index.js";
import * as secretsErrors from "../secrets/errors.js";
import * as terminalErrors from "../terminals/errors.js";
import * as serverErrors from "./errors.js";
import { HttpError } from "./http.js";

type ErrorClass = (abstract new (...args: never[]) => Error) & { code?: unknown };

const sourceRoot = fileURLToPath(new URL("..", import.meta.url));

/** Every shipped module of the runner (not tests, fixtures or test utilities), relative to `src/`. */
function runnerModules(dir = sourceRoot): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!["__fixtures__", "__snapshots__", "test-utils"].includes(entry.name)) files.push(...runnerModules(path));
    } else if (entry.name.endsWith(".ts") && !/\.test(-d)?\.ts$/.test(entry.name)) {
      files.push(relative(sourceRoot, path));
    }
  }
  return files;
}

/** Every error class exported by a runner module or the contract, by class name (found, not listed). */
async function exportedErrorClasses(): Promise<Map<string, { value: ErrorClass; module: string }>> {
  const classes = new Map<string, { value: ErrorClass; module: string }>();
  const add = (module: string, exports: Record<string, unknown>) => {
    for (const value of Object.values(exports)) {
      // Where a class is defined, not the index that re-exports it.
      if (typeof value !== "function" || !(value.prototype instanceof Error)) continue;
      const known = classes.get(value.name);
      if (!known || known.module.endsWith("index.ts")) classes.set(value.name, { value: value as unknown as ErrorClass, module });
    }
  };
  add("@highstate/contract", contract);
  for (const module of runnerModules()) add(module, (await import(join(sourceRoot, module))) as Record<string, unknown>);
  return classes;
}

/** The wire form of API errors: its `code` is the API code of the response body, not an error code. */
function isHttpErrorClass(value: ErrorClass): boolean {
  return value === (HttpError as unknown) || value.prototype instanceof HttpError;
}

describe("error codes", async () => {
  const classes = await exportedErrorClasses();
  const codes = Object.keys(errorCodes);

  it("finds the error classes of every module", () => {
    expect(classes.get("HostKeyMismatchError")?.module).toBe("terminals/errors.ts");
    expect(classes.get("DefinitionError")?.module).toBe("@highstate/contract");
    expect(classes.get("WorkspaceLockedError")?.module).toBe("workspace/lock.ts");
    expect(classes.size).toBeGreaterThan(60);
  });

  it("gives every error class a Highstate error base and its own registered code", () => {
    const problems: string[] = [];
    const owners = new Map<string, string>();
    for (const [name, { value, module }] of classes) {
      if (isHttpErrorClass(value) || value === (HighstateError as unknown)) continue;
      // (`instanceof HighstateError` checks the marker, which instances carry, not prototypes.)
      if (!Object.prototype.isPrototypeOf.call(HighstateError.prototype, value.prototype)) {
        problems.push(`${name} (${module}) does not extend HighstateError`);
        continue;
      }
      if (!Object.hasOwn(value, "code")) problems.push(`${name} (${module}) sets no static code of its own`);
      else if (typeof value.code !== "string" || !Object.hasOwn(errorCodes, value.code))
        problems.push(`${name} (${module}) has code "${String(value.code)}", which is not in errorCodes (errors/codes.ts)`);
      else if (owners.has(value.code)) problems.push(`${name} and ${owners.get(value.code)} share the code "${value.code}"`);
      else owners.set(value.code, name);
    }
    expect(problems).toEqual([]);
    // …and every registered code is some class's.
    expect(codes.filter((code) => !owners.has(code))).toEqual([]);
  });

  it("maps every defined code to an HTTP status, and maps no code that is not defined", () => {
    const mapped = Object.keys(serverErrors.httpErrors);
    expect(codes.filter((code) => !mapped.includes(code))).toEqual([]);
    expect(mapped.filter((code) => !codes.includes(code))).toEqual([]);
    for (const [code, { status, api }] of Object.entries(serverErrors.httpErrors)) {
      expect(status, code).toBeGreaterThanOrEqual(400);
      expect(status, code).toBeLessThan(600);
      expect(api ?? code, code).toMatch(/^[a-z][a-z-]*[a-z]$/);
    }
  });

  it("gives every code a kind and the kind an exit code", () => {
    for (const code of codes) expect(["usage", "configuration", "failure", "cancelled"], code).toContain(errorKind(code));
    expect(exitCodeForKind("usage")).toBe(2);
    expect(exitCodeForKind("configuration")).toBe(2);
    expect(exitCodeForKind("failure")).toBe(1);
    expect(exitCodeForKind("cancelled")).toBe(130);
    expect(errorKind("no-such-code")).toBe("failure");
  });
});

describe("toHttpError", () => {
  it("maps errors by code to HttpErrors keeping the message and the field", () => {
    const error = new secretsErrors.IncorrectPasswordError();
    const mapped = serverErrors.toHttpError(error);
    expect(mapped).toBeInstanceOf(HttpError);
    expect(mapped).toMatchObject({ status: 401, code: "incorrect-password", message: error.message, cause: error });

    const missing = serverErrors.toHttpError(new engineErrors.PulumiCliNotFoundError("3.0.0", ["/usr/bin"]));
    expect(missing).toMatchObject({ status: 503, code: "pulumi-missing" });

    // Terminal errors keep the API codes the designer knows.
    expect(serverErrors.toHttpError(new terminalErrors.SshUnreachableError("h:22", "refused"))).toMatchObject({
      status: 502,
      code: "ssh-unreachable",
    });
    expect(serverErrors.toHttpError(new terminalErrors.TerminalSessionInUseError("s1"))).toMatchObject({ status: 409, code: "conflict" });
  });

  it("recognises an error of another copy of the packages by its marker and code, not its class or name", () => {
    class CopiedError extends Error {
      override name = "SomethingElse";
      readonly code = "invalid-project-name";
      readonly field = "name";
      constructor() {
        super("bad project name");
        Object.defineProperty(this, Symbol.for("highstate.error"), { value: true });
      }
    }
    const copied = new CopiedError();
    expect(isHighstateError(copied)).toBe(true);
    expect(serverErrors.toHttpError(copied)).toMatchObject({ status: 400, code: "bad-request", extra: { field: "name" } });
  });

  it("leaves other errors unchanged", () => {
    const unknown = new Error("something else");
    expect(serverErrors.toHttpError(unknown)).toBe(unknown);
    // A class name alone means nothing any more.
    const named = Object.assign(new Error("x"), { name: "IncorrectPasswordError" });
    expect(serverErrors.toHttpError(named)).toBe(named);
    // Nor does a code without the marker, or a code this runner does not know.
    const coded = Object.assign(new Error("x"), { code: "incorrect-password" });
    expect(serverErrors.toHttpError(coded)).toBe(coded);
    class FutureError extends HighstateError {
      static override readonly code = "from-the-future";
    }
    const future = new FutureError("x");
    expect(serverErrors.toHttpError(future)).toBe(future);
    const http = new HttpError(418, "teapot", "short and stout");
    expect(serverErrors.toHttpError(http)).toBe(http);
  });
});

describe("exit codes by error code", () => {
  it("gives usage and configuration errors 2, cancellations 130 and failures 1", () => {
    expect(exitCodeOf(new engineErrors.PulumiCliNotFoundError("3.0.0", ["/usr/bin"]))).toBe(2);
    expect(exitCodeOf(new secretsErrors.IncorrectPasswordError())).toBe(2);
    expect(exitCodeOf(new engineErrors.UnitRunError("a:b", "boom"))).toBe(1);
    expect(exitCodeOf(new engineErrors.UnitRunCancelledError("a:b"))).toBe(130);
    expect(exitCodeOf(new Error("plain"))).toBe(1);
    expect(exitCodeOf("not an error")).toBe(1);
  });
});
