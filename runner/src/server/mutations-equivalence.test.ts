/**
 * The designer shows a change before the server confirms it, by applying the batch itself with
 * `@highstate/project` (after giving new instances their uid). This drives random batches — of every
 * mutation kind, some of them refused — through the real server's HTTP API (fake engine) and through
 * those functions, and requires the same outcome: the same project file on disk, byte for byte, and the
 * same snapshot; or, for a batch the functions refuse, the same 400 naming the same mutation and field.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Project, Registry } from "@highstate/contract";
import { applyMutations, assignInstanceUids, MutationRefusedError } from "@highstate/project";
import type { ApiError, ProjectMutation, ProjectSnapshot } from "@highstate/project/api";
import { beforeAll, expect, test } from "vitest";
import { randomMutation, seededRandom } from "../../../library/project/src/__fixtures__/random-mutations.js";
import { serializeProject } from "../workspace/project-file.js";
import { createProject, mutate, startTestServer } from "./__fixtures__/server.js";
import { ensureContractBuilt } from "./__fixtures__/workspace.js";

beforeAll(() => ensureContractBuilt(), 120_000);

/** Args the fixture's components accept (the designer validates args in its forms; the server checks them again). */
function validArgs(type: string, random: () => number): Record<string, unknown> {
  if (type === "acme.machine.v1")
    return { endpoint: `10.0.0.${Math.floor(random() * 9)}`, ...(random() < 0.3 ? { port: 1 + Math.floor(random() * 60000) } : {}) };
  return random() < 0.5 ? { version: `1.${30 + Math.floor(random() * 3)}` } : {};
}

test("random batches give the same document through the server's API as through the designer's optimistic update", async () => {
  const { client, workspace } = await startTestServer();
  let snapshot = await createProject(client, "demo");
  const registry = await client.get<Registry>("/api/registry");
  const random = seededRandom(4_242);
  let local: Project = snapshot.project;
  let accepted = 0;
  let refused = 0;
  const appliedKinds = new Set<string>();
  for (let round = 0; round < 150; round++) {
    const raw: ProjectMutation[] = [];
    for (let count = random() < 0.6 ? 1 : 2 + Math.floor(random() * 2); count > 0; count--)
      raw.push(randomMutation(local, registry, random, validArgs));
    const batch = assignInstanceUids(local, raw);
    let expected: Project | undefined;
    let refusal: MutationRefusedError | undefined;
    try {
      expected = applyMutations(local, registry, batch);
    } catch (error) {
      if (!(error instanceof MutationRefusedError)) throw error;
      refusal = error;
    }
    const response = await mutate(client, "demo", snapshot.revision, batch);
    const context = `round ${round}: ${JSON.stringify(batch)}`;
    if (refusal) {
      expect(response.status, context).toBe(400);
      expect(response.json<ApiError>().error, context).toMatchObject({
        code: "bad-request",
        field: `mutations.${refusal.index}.${refusal.field}`,
        message: refusal.message,
      });
      refused++;
      continue;
    }
    expect(response.status, `${context}\n${response.text}`).toBe(200);
    snapshot = response.json<ProjectSnapshot>();
    expect(snapshot.project, context).toEqual(expected);
    expect(await readFile(join(workspace, "projects", "demo.json"), "utf8"), context).toBe(serializeProject(expected!));
    local = expected!;
    accepted++;
    for (const mutation of batch) appliedKinds.add(mutation.op);
  }
  // The sequence exercised both outcomes and every kind of mutation.
  expect(accepted).toBeGreaterThan(30);
  expect(refused).toBeGreaterThan(10);
  expect([...appliedKinds].sort()).toEqual(
    [
      "add-hub",
      "add-instance",
      "connect",
      "connect-hub",
      "disconnect",
      "disconnect-hub",
      "inject-hub",
      "move",
      "remove-hub",
      "remove-instance",
      "rename-instance",
      "set-args",
      "uninject-hub",
    ].sort(),
  );
}, 120_000);
