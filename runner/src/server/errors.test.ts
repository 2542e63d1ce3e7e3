import * as contract from "@highstate/contract";
import * as projectOpsErrors from "@highstate/project";
import { describe, expect, it } from "vitest";
import * as cliErrors from "../cli/errors.js";
import * as prompt from "../cli/prompt.js";
import * as createEngine from "../engine/create-engine.js";
import * as engineErrors from "../engine/errors.js";
import * as fsErrors from "../fs/errors.js";
import * as plannerErrors from "../planner/errors.js";
import * as registryErrors from "../registry/errors.js";
import * as createPackage from "../scaffold/create-package.js";
import * as secretsErrors from "../secrets/errors.js";
import * as terminalErrors from "../terminals/errors.js";
import * as workspaceErrors from "../workspace/errors.js";
import * as instanceState from "../workspace/instance-state.js";
import * as lock from "../workspace/lock.js";
import * as packageManager from "../workspace/package-manager.js";
import * as projectFile from "../workspace/project-file.js";
import * as serverErrors from "./errors.js";
import * as http from "./http.js";
import { HttpError } from "./http.js";
import * as router from "./router.js";

type ErrorClass = abstract new (...args: never[]) => Error;

/** Every error class the runner's modules and the contract export, by class name. */
function exportedErrorClasses(): Map<string, ErrorClass> {
  const modules = [
    contract,
    cliErrors,
    prompt,
    createEngine,
    engineErrors,
    fsErrors,
    plannerErrors,
    registryErrors,
    createPackage,
    secretsErrors,
    terminalErrors,
    workspaceErrors,
    instanceState,
    lock,
    packageManager,
    projectFile,
    projectOpsErrors,
    serverErrors,
    http,
    router,
  ];
  const classes = new Map<string, ErrorClass>();
  for (const module of modules) {
    for (const value of Object.values(module)) {
      if (typeof value === "function" && value.prototype instanceof Error) classes.set(value.name, value as unknown as ErrorClass);
    }
  }
  return classes;
}

/**
 * Error classes deliberately not in the table, by why: each is either an HTTP error already, turned
 * into one where it is caught, or never raised while the server answers a request.
 */
const unmapped: Record<string, string> = {
  HttpError: "is the HTTP error",
  BadRequestError: "is an HTTP error",
  NotFoundError: "is an HTTP error",
  ConflictError: "is an HTTP error",
  RouteNotFoundError: "is an HTTP error",
  ProjectOperationError: "applyMutations turns it (and its subclasses) into a 400 naming the mutation and field",
  CliError: "CLI only",
  UsageError: "CLI only",
  NoProjectSelectedError: "CLI only",
  NoWorkspaceError: "CLI only",
  PasswordRequiredError: "CLI only",
  PromptCancelledError: "CLI only",
  CreatePackageError: "CLI only (create-package)",
  PulumiInstallError: "CLI only (install-pulumi)",
  PlugAndPlayError: "CLI only (init and the command runner's Yarn check)",
  BrokenWorkspaceLockError: "raised while taking the workspace lock, before the server starts",
  RemoteAccessNotAllowedError: "raised before the server starts",
  NoSuchWorkspaceError: "raised before the server starts",
  ListenError: "raised before the server starts",
  UnknownEngineError: "raised before the server starts",
  UnitRunError: "reported in the operation's events, not in a response",
  UnitRunCancelledError: "reported in the operation's events, not in a response",
  UnitModuleNotFoundError: "reported in the operation's events, not in a response",
  StackLockedError: "reported in the operation's events, not in a response",
  UnknownInstanceError: "raised by the CLI's instance selection",
  DefinitionsImportError: "reported as a registry problem",
  DefinitionError: "raised while a definitions module is imported, reported as a registry problem",
  DuplicateTypeError: "raised while a definitions module is imported, reported as a registry problem",
  TerminalError: "the base of the terminal errors, which are mapped one by one",
};

describe("the domain error table", () => {
  const classes = exportedErrorClasses();

  it("names only error classes that exist, each of which sets that name", () => {
    const orphans = Object.keys(serverErrors.domainErrors).filter((name) => !classes.has(name));
    expect(orphans).toEqual([]);
    for (const name of Object.keys(serverErrors.domainErrors)) {
      // The table matches on `error.name`: the class must set it to its own name (a subclass that forgot
      // to would report its parent's name).
      expect(String(classes.get(name)), name).toContain(`"${name}"`);
    }
  });

  it("covers every other error class, or says why it is not needed", () => {
    const uncovered = [...classes.entries()]
      .filter(([name]) => !Object.hasOwn(serverErrors.domainErrors, name) && !Object.hasOwn(unmapped, name))
      // The project operations' errors only reach the server through applyMutations.
      .filter(([, value]) => !(value.prototype instanceof projectOpsErrors.ProjectOperationError))
      .map(([name]) => name);
    expect(uncovered).toEqual([]);
    const stale = Object.keys(unmapped).filter((name) => !classes.has(name));
    expect(stale).toEqual([]);
    const both = Object.keys(unmapped).filter((name) => Object.hasOwn(serverErrors.domainErrors, name));
    expect(both).toEqual([]);
  });

  it("gives every mapped error an HTTP error status and a stable code", () => {
    for (const [name, { status, code }] of Object.entries(serverErrors.domainErrors)) {
      expect(status, name).toBeGreaterThanOrEqual(400);
      expect(status, name).toBeLessThan(600);
      expect(code, name).toMatch(/^[a-z][a-z-]*[a-z]$/);
    }
  });

  it("maps errors by name to HttpErrors keeping the message and the field", () => {
    const error = new secretsErrors.IncorrectPasswordError();
    const mapped = serverErrors.toHttpError(error);
    expect(mapped).toBeInstanceOf(HttpError);
    expect(mapped).toMatchObject({ status: 401, code: "incorrect-password", message: error.message, cause: error });

    const missing = serverErrors.toHttpError(new engineErrors.PulumiCliNotFoundError("3.0.0", ["/usr/bin"]));
    expect(missing).toMatchObject({ status: 503, code: "pulumi-missing" });

    const named = Object.assign(new Error("bad project name"), { name: "InvalidProjectNameError", field: "name" });
    expect(serverErrors.toHttpError(named)).toMatchObject({ status: 400, code: "bad-request", extra: { field: "name" } });

    const unknown = new Error("something else");
    expect(serverErrors.toHttpError(unknown)).toBe(unknown);
    const inherited = Object.assign(new Error("x"), { name: "toString" });
    expect(serverErrors.toHttpError(inherited)).toBe(inherited);
  });
});
