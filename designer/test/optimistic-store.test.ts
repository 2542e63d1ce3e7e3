/**
 * The designer's store shows a change before the server answers. This drives random batches (every
 * mutation kind, some refused) through the real `ProjectStore` and `ApiClient` against the real runner
 * server with the fake engine, and requires that what the store showed at once is what the server
 * saved: the same snapshot and the same project file, byte for byte. A batch the shared operations
 * refuse is refused without a request, and the server refuses it the same way when sent anyway; a
 * batch only the server refuses (args it validates) leaves the store at the server's document.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Project } from "@highstate/contract";
import { MutationRefusedError } from "@highstate/project";
import type { ProjectMutation } from "@highstate/project/api";
import { afterAll, beforeAll, expect, test } from "vitest";
import { randomMutation, seededRandom } from "../../library/project/src/__fixtures__/random-mutations.ts";
import { type DesignerServer, startDesignerServer } from "../../runner/src/server/designer-server.ts";
import { FakeEngine } from "../../runner/src/testing/index.ts";
import { serializeProject } from "../../runner/src/workspace/project-file.ts";
import { captureAccessToken } from "../src/api/access-token.ts";
import { ApiClient, ApiRequestError } from "../src/api/client.ts";
import { ProjectStore } from "../src/state/project-store.ts";
import { createWorkspace, ensureBuilt, monorepoRoot } from "./support/designer-process.ts";

let workspace: { dir: string; remove: () => Promise<void> };
let server: DesignerServer;

beforeAll(async () => {
  await ensureBuilt(join(monorepoRoot, "library/contract"));
  await ensureBuilt(join(monorepoRoot, "packages/common"));
  workspace = await createWorkspace();
  server = await startDesignerServer({ workspace: workspace.dir, port: 0, engine: new FakeEngine() });
  captureAccessToken({ hash: `#token=${server.token}`, href: `${server.url}#token=${server.token}` }, () => undefined);
}, 120_000);

afterAll(async () => {
  await server?.close({ force: true });
  await workspace?.remove();
});

/** Args the server accepts for the common components; the others get none (which it may refuse). */
function args(type: string, random: () => number): Record<string, unknown> {
  return type === "common.existing-server.v1" ? { endpoint: `10.0.0.${Math.floor(random() * 9)}` } : {};
}

test("what the store shows at once is what the server saves, for random batches", async () => {
  const api = new ApiClient(`http://127.0.0.1:${server.port}`);
  const registry = await api.registry();
  const store = new ProjectStore(api, registry, await api.createProject({ name: "lab", password: "correct horse battery" }));
  const file = join(workspace.dir, "projects", "lab.json");
  const random = seededRandom(16);
  const outcomes = { shown: 0, refusedHere: 0, refusedByServer: 0 };
  const kinds = new Set<string>();
  for (let round = 0; round < 120; round++) {
    const batch: ProjectMutation[] = [];
    for (let count = random() < 0.6 ? 1 : 2; count > 0; count--) batch.push(randomMutation(store.project, registry, random, args));
    const context = `round ${round}: ${JSON.stringify(batch)}`;
    const revision = store.snapshot.revision;
    const pending = store.mutate(batch);
    const shown: Project = store.project;
    try {
      const saved = await pending;
      expect(saved.project, context).toEqual(shown);
      expect(await readFile(file, "utf8"), context).toBe(serializeProject(shown));
      expect(store.project, context).toEqual(shown);
      outcomes.shown++;
      for (const mutation of batch) kinds.add(mutation.op);
    } catch (error) {
      if (error instanceof MutationRefusedError) {
        // Refused here: nothing was sent, nothing is shown, and the server refuses it the same way.
        expect(store.snapshot.revision, context).toBe(revision);
        const sent = await api.mutate("lab", { revision, mutations: batch }).catch((caught: unknown) => caught);
        expect(sent, context).toBeInstanceOf(ApiRequestError);
        expect(sent, context).toMatchObject({ status: 400, field: `mutations.${error.index}.${error.field}`, message: error.message });
        outcomes.refusedHere++;
      } else {
        expect(error, context).toBeInstanceOf(ApiRequestError);
        expect((error as ApiRequestError).field, context).toMatch(/^mutations\.\d+\.args/);
        outcomes.refusedByServer++;
      }
      expect(store.project, context).toEqual((await api.getProject("lab")).project);
    }
  }
  expect(outcomes.shown).toBeGreaterThan(30);
  expect(outcomes.refusedHere).toBeGreaterThan(10);
  expect([...kinds].sort()).toEqual(
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
