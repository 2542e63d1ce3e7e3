/**
 * What the API shows of a project and its instances: the snapshot (model, problems, statuses, which
 * secrets are set, status fields) and instance details (outputs, terminals, pages, resolved inputs).
 * Secret values never appear: secret outputs become `{ secret: true }`, secret status fields `null`,
 * terminals lose their credentials.
 */
import {
  type Instance,
  type InstanceOutputRef,
  type Page,
  pageSchema,
  resolveProjectInputs,
  type StatusField,
  statusFieldSchema,
  type TerminalSpec,
  terminalSpecSchema,
  validateProject,
  type z,
} from "@highstate/contract";
import type { InstanceDetails, InstanceOffers, InstanceStatus, ProjectSnapshot } from "@highstate/project/api";
import type { Orchestrator } from "../engine/index.js";
import type { WorkspaceRegistry } from "../registry/index.js";
import type { InstanceState } from "../workspace/index.js";
import { HttpError, NotFoundError } from "./http.js";
import type { ProjectSession, ProjectSessions } from "./project-sessions.js";

/** A status field as the API shows it (secret values replaced by `null`). */
export type PublicStatusField = Omit<StatusField, "value"> & { value: string | null };

/** Everything the views need. */
export interface ViewServices {
  sessions: ProjectSessions;
  orchestrator: Orchestrator;
  registry: () => Promise<WorkspaceRegistry>;
}

/** Finds an instance of a session's project; 404 naming it otherwise. */
export function requireInstance(session: ProjectSession, instanceId: string): Instance {
  const instance = session.project.instances.find((item) => item.id === instanceId);
  if (!instance)
    throw new NotFoundError(`Project "${session.name}" has no instance "${instanceId}"; check the id (it is "<component type>:<name>").`);
  return instance;
}

/**
 * Reads one platform output (`$statusFields`, `$terminals`, `$pages`) of an instance. A secret one is
 * decrypted only when the project is unlocked; otherwise it counts as absent (`locked: true`).
 */
function platformOutput(
  services: ViewServices,
  session: ProjectSession,
  state: InstanceState | undefined,
  name: string,
): { value: unknown; locked: boolean } {
  if (!state) return { value: undefined, locked: false };
  if (Object.hasOwn(state.outputs, name)) return { value: state.outputs[name], locked: false };
  if (state.secretOutputs?.values[name] === undefined) return { value: undefined, locked: false };
  if (!session.unlocked) return { value: undefined, locked: true };
  const outputs = services.orchestrator.stateStore(session.name).outputs(state, session.secrets.crypter);
  return { value: outputs[name]?.value, locked: false };
}

function parseList<T>(schema: z.ZodType<T>, value: unknown): T[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item) => {
    const parsed = schema.safeParse(item);
    return parsed.success ? [parsed.data] : [];
  });
}

/** The status fields of an instance, secret values masked. */
export function statusFieldsOf(services: ViewServices, session: ProjectSession, state: InstanceState | undefined): PublicStatusField[] {
  const { value } = platformOutput(services, session, state, "$statusFields");
  return parseList(statusFieldSchema, value).map((field) => ({ ...field, value: field.secret ? null : field.value }));
}

/** The terminal specs of an instance, with credentials (for opening one; never sent to clients). */
export function terminalSpecsOf(
  services: ViewServices,
  session: ProjectSession,
  state: InstanceState | undefined,
): { specs: TerminalSpec[]; locked: boolean } {
  const { value, locked } = platformOutput(services, session, state, "$terminals");
  return { specs: parseList(terminalSpecSchema, value), locked };
}

/** The pages of an instance. */
export function pagesOf(
  services: ViewServices,
  session: ProjectSession,
  state: InstanceState | undefined,
): { pages: Page[]; locked: boolean } {
  const { value, locked } = platformOutput(services, session, state, "$pages");
  return { pages: parseList(pageSchema, value), locked };
}

/** The terminals and pages an instance offers (without credentials), or `undefined` when none. */
export function offersOf(services: ViewServices, session: ProjectSession, state: InstanceState | undefined): InstanceOffers | undefined {
  const terminals = terminalSpecsOf(services, session, state);
  const pages = pagesOf(services, session, state);
  const locked = [...(terminals.locked ? (["terminals"] as const) : []), ...(pages.locked ? (["pages"] as const) : [])];
  if (terminals.specs.length === 0 && pages.pages.length === 0 && locked.length === 0) return undefined;
  return {
    terminals: terminals.specs.map((spec) => ({
      name: spec.name,
      type: spec.type,
      ...(spec.title !== undefined ? { title: spec.title } : {}),
    })),
    pages: pages.pages.map((page) => ({ name: page.name, title: page.title })),
    ...(locked.length > 0 ? { locked } : {}),
  };
}

/** The stored states of a project's instances, by instance id (the orchestrator keeps them in memory). */
export async function statesById(services: ViewServices, session: ProjectSession): Promise<Map<string, InstanceState>> {
  const byUid = await services.orchestrator.states(session.name);
  const result = new Map<string, InstanceState>();
  for (const instance of session.project.instances) {
    const state = byUid.get(instance.uid);
    if (state) result.set(instance.id, state);
  }
  return result;
}

/** The state of one instance. */
export async function stateOf(services: ViewServices, session: ProjectSession, instance: Instance): Promise<InstanceState | undefined> {
  return services.orchestrator.stateStore(session.name).get(instance.uid);
}

/** The full snapshot of a project. */
export async function projectSnapshot(services: ViewServices, session: ProjectSession): Promise<ProjectSnapshot> {
  const registry = await services.registry();
  const context = await services.sessions.context(session);
  const [statuses, validateArgs, states] = await Promise.all([
    services.orchestrator.statuses(context),
    registry.argsValidator().catch(() => undefined),
    statesById(services, session),
  ]);
  const project = session.project;
  const allSecrets = session.secrets.listSecrets();
  const secrets: Record<string, string[]> = {};
  const statusFields: Record<string, PublicStatusField[]> = {};
  const offers: Record<string, InstanceOffers> = {};
  for (const instance of project.instances) {
    if (allSecrets[instance.id]) secrets[instance.id] = allSecrets[instance.id]!;
    const state = states.get(instance.id);
    const fields = statusFieldsOf(services, session, state);
    if (fields.length > 0) statusFields[instance.id] = fields;
    const offered = offersOf(services, session, state);
    if (offered) offers[instance.id] = offered;
  }
  return {
    name: session.name,
    revision: session.revision,
    project,
    unlocked: session.unlocked,
    problems: validateProject(project, registry.registry, validateArgs ? { validateArgs } : {}),
    statuses,
    secrets,
    statusFields,
    offers,
    ...unboundSecretsOf(session),
  };
}

/** The secrets of a file written before bindings existed, with the runner's warning (nothing when there are none). */
function unboundSecretsOf(session: ProjectSession): Pick<ProjectSnapshot, "unboundSecrets"> {
  const warning = session.secrets.bindingWarning();
  return warning === undefined ? {} : { unboundSecrets: { places: session.secrets.unboundSecrets(), warning } };
}

/** The details of one instance. */
export async function instanceDetails(services: ViewServices, session: ProjectSession, instanceId: string): Promise<InstanceDetails> {
  const instance = requireInstance(session, instanceId);
  const registry = await services.registry();
  const context = await services.sessions.context(session);
  const [statuses, state] = await Promise.all([services.orchestrator.statuses(context), stateOf(services, session, instance)]);
  const outputs: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(state?.outputs ?? {})) if (!name.startsWith("$")) outputs[name] = value;
  for (const name of Object.keys(state?.secretOutputs?.values ?? {})) if (!name.startsWith("$")) outputs[name] = { secret: true };
  const resolved = resolveProjectInputs(session.project, registry.registry).get(instance.id) ?? {};
  const resolvedInputs: Record<string, InstanceOutputRef[]> = {};
  for (const [input, refs] of Object.entries(resolved))
    resolvedInputs[input] = refs.map((ref) => ({ instanceId: ref.instanceId, output: ref.output }));
  const status: InstanceStatus = statuses[instance.id] ?? { state: "not-created", outdated: false };
  return {
    instanceId: instance.id,
    status,
    outputs,
    statusFields: statusFieldsOf(services, session, state),
    terminals: terminalSpecsOf(services, session, state).specs.map((spec) => ({
      name: spec.name,
      type: spec.type,
      ...(spec.title !== undefined ? { title: spec.title } : {}),
    })),
    pages: pagesOf(services, session, state).pages.map((page) => ({ name: page.name, title: page.title })),
    resolvedInputs,
  };
}

/** One page of an instance; 423 when it is stored encrypted and the project is locked. */
export async function instancePage(services: ViewServices, session: ProjectSession, instanceId: string, pageName: string): Promise<Page> {
  const instance = requireInstance(session, instanceId);
  const { pages, locked } = pagesOf(services, session, await stateOf(services, session, instance));
  const page = pages.find((item) => item.name === pageName);
  if (page) return page;
  if (locked)
    throw new HttpError(
      423,
      "locked",
      `The pages of "${instanceId}" are stored encrypted; unlock project "${session.name}" with its password to open them.`,
    );
  throw new NotFoundError(
    `"${instanceId}" has no page "${pageName}"${pages.length > 0 ? ` (it has ${pages.map((item) => `"${item.name}"`).join(", ")})` : ""}; run it to refresh its outputs.`,
  );
}
