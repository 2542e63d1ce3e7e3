/**
 * End to end: Debian's Chromium drives the built designer served by the real `highstate designer`
 * (fake engine) on a workspace whose `Pulumi.<project>.yaml` is edited on disk the way a checkout or a
 * commit would: (1) a file written before bindings existed shows a banner naming its secrets, and
 * binding them with the password removes it and writes the bindings; (2) two values swapped between
 * instances make unlocking fail with a dialog naming both places, and accepting them with the password
 * unlocks the project.
 */
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { parseDocument, parse as parseYaml } from "yaml";
import { designerApi } from "./support/api-client.ts";
import { type BrowserSession, openBrowser } from "./support/browser.ts";
import { createWorkspace, type DesignerProcess, ensureE2eBuilt, startDesigner } from "./support/designer-process.ts";
import { node, screenshot } from "./support/ui.ts";

const password = "correct horse battery staple";
const webId = "common.existing-server.v1:web";
const dbId = "common.existing-server.v1:db";

let workspace: { dir: string; remove: () => Promise<void> };
let designer: DesignerProcess;
let browser: BrowserSession;

/** Calls the designer API from the test (the token is the one the server printed). */
function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  return designerApi(designer)<T>(method, path, body);
}

const secretsFile = (project: string) => join(workspace.dir, `Pulumi.${project}.yaml`);
const securePath = (id: string) => ["config", "highstate:secrets", id, "sshPassword", "secure"];

function bindingsIn(text: string): Record<string, Record<string, string>> | undefined {
  return (parseYaml(text) as { config: Record<string, Record<string, Record<string, string>> | undefined> }).config[
    "highstate:secretBindings"
  ];
}

/** A project with servers "web" and "db", each with an SSH password set through the API (so bound). */
async function twoServers(project: string): Promise<void> {
  await api("POST", "/api/projects", { name: project, password });
  await api("POST", `/api/projects/${project}/mutations`, {
    revision: 1,
    mutations: [
      { op: "add-instance", type: "common.existing-server.v1", name: "web", args: { endpoint: "web.example" }, position: { x: 0, y: 0 } },
      { op: "add-instance", type: "common.existing-server.v1", name: "db", args: { endpoint: "db.example" }, position: { x: 420, y: 0 } },
    ],
  });
  for (const [id, value] of [
    [webId, "password-of-web"],
    [dbId, "password-of-db"],
  ] as const)
    await api("PUT", `/api/projects/${project}/instances/${encodeURIComponent(id)}/secrets`, { set: { sshPassword: value } });
}

async function openProject(project: string): Promise<void> {
  const { page } = browser;
  await page.goto(designer.url);
  await page.getByRole("link", { name: new RegExp(project) }).click();
  await page.waitForURL(new RegExp(`#/projects/${project}`));
}

beforeAll(async () => {
  await ensureE2eBuilt();
  workspace = await createWorkspace();
  designer = await startDesigner(workspace.dir);
  browser = await openBrowser();
  await twoServers("legacy");
  await twoServers("moved");
  // "legacy" as an older Highstate wrote it, in a fresh clone: no bindings, and no record under
  // .highstate/ of having seen the file with bindings.
  const file = secretsFile("legacy");
  const doc = parseDocument(await readFile(file, "utf8"));
  doc.deleteIn(["config", "highstate:secretBindings"]);
  await writeFile(file, doc.toString());
  await rm(join(workspace.dir, ".highstate", "secret-bindings-seen"), { force: true });
  expect(bindingsIn(await readFile(file, "utf8"))).toBeUndefined();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await designer?.stop();
  await workspace?.remove();
});

describe("secret bindings in the designer", () => {
  test("a file without bindings shows a banner naming its secrets; Review and bind… binds them with the password", async () => {
    const { page } = browser;
    await openProject("legacy");
    await node(page, dbId).waitFor();
    const banner = page.getByTestId("unbound-secrets-banner");
    await banner.waitFor();
    const text = (await banner.textContent()) ?? "";
    expect(text).toContain("2 secrets are not bound to their instances yet");
    expect(text).toContain(`sshPassword of ${dbId}`);
    expect(text).toContain(`sshPassword of ${webId}`);
    expect(text).toContain("Pulumi.legacy.yaml");
    await screenshot(page, "secret-bindings-banner");

    await banner.getByRole("button", { name: "Review and bind…" }).click();
    const dialog = page.getByRole("dialog", { name: "Bind secrets to their places" });
    await dialog.waitFor();
    expect(await dialog.getByTestId("binding-place").allTextContents()).toEqual([
      `secret sshPassword of ${dbId}`,
      `secret sshPassword of ${webId}`,
    ]);
    await screenshot(page, "secret-bindings-bind-dialog");

    // A wrong password is refused and binds nothing.
    await dialog.getByLabel("Project password").fill("not the password");
    await dialog.getByRole("button", { name: "Bind these secrets" }).click();
    await dialog.getByText('Wrong password for "legacy"').waitFor();
    expect(bindingsIn(await readFile(secretsFile("legacy"), "utf8"))).toBeUndefined();

    await dialog.getByLabel("Project password").fill(password);
    await dialog.getByRole("button", { name: "Bind these secrets" }).click();
    await dialog.waitFor({ state: "detached" });
    await banner.waitFor({ state: "detached" });
    const bindings = bindingsIn(await readFile(secretsFile("legacy"), "utf8"));
    expect(Object.keys(bindings ?? {}).sort()).toEqual([dbId, webId]);
    expect(bindings?.[webId]?.sshPassword).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
    await expect.poll(() => page.locator(".top-bar .pill-ok").textContent()).toContain("unlocked");
    await screenshot(page, "secret-bindings-bound");
  });

  test("values swapped between instances: unlocking is refused with both places named; accepting with the password unlocks", async () => {
    const { page } = browser;
    // A commit swaps the two ciphertexts (their bindings stay where they were).
    const file = secretsFile("moved");
    const doc = parseDocument(await readFile(file, "utf8"));
    const web = doc.getIn(securePath(webId));
    doc.setIn(securePath(webId), doc.getIn(securePath(dbId)));
    doc.setIn(securePath(dbId), web);
    await writeFile(file, doc.toString());

    await openProject("moved");
    const unlock = page.getByRole("dialog", { name: 'Unlock "moved"' });
    await unlock.waitFor();
    await unlock.getByLabel("Password", { exact: true }).fill(password);
    await unlock.getByRole("button", { name: "Unlock" }).click();

    const dialog = page.getByRole("dialog", { name: 'Secrets of "moved" are not where they were written' });
    await dialog.waitFor();
    const places = await dialog.getByTestId("binding-place").allTextContents();
    expect(places).toEqual([
      `secret sshPassword of ${dbId}holds the value of secret sshPassword of ${webId}: it was moved or copied here`,
      `secret sshPassword of ${webId}holds the value of secret sshPassword of ${dbId}: it was moved or copied here`,
    ]);
    const dialogText = (await dialog.textContent()) ?? "";
    expect(dialogText).toContain("Someone may have moved a secret to another instance");
    expect(dialogText).toContain("git log -p -- Pulumi.moved.yaml");
    await screenshot(page, "secret-bindings-refused-dialog");
    expect((await api<{ unlocked: boolean }>("GET", "/api/projects/moved")).unlocked).toBe(false);

    // A wrong password accepts nothing: the dialog stays, the file and the lock are as they were.
    const before = await readFile(file, "utf8");
    await dialog.getByLabel("Project password").fill("not the password");
    await dialog.getByRole("button", { name: "Accept these values" }).click();
    await dialog.getByText('Wrong password for "moved"').waitFor();
    expect(await readFile(file, "utf8")).toBe(before);
    expect((await api<{ unlocked: boolean }>("GET", "/api/projects/moved")).unlocked).toBe(false);

    await dialog.getByLabel("Project password").fill(password);
    await dialog.getByRole("button", { name: "Accept these values" }).click();
    await dialog.waitFor({ state: "detached" });
    await expect.poll(() => page.locator(".top-bar .pill-ok").textContent()).toContain("unlocked");
    expect((await api<{ unlocked: boolean }>("GET", "/api/projects/moved")).unlocked).toBe(true);
    // The values are bound where they are now: each server has the other's password.
    const revealed = await api<{ value: string }>(
      "POST",
      `/api/projects/moved/instances/${encodeURIComponent(webId)}/secrets/sshPassword/reveal`,
      {
        password,
      },
    );
    expect(revealed.value).toBe("password-of-db");
    await screenshot(page, "secret-bindings-accepted");
    // The wrong password (401) and the refused unlock (409) are answers the page shows, not failures.
    expect(browser.errors.filter((error) => !/status of (401|409)/.test(error))).toEqual([]);
  });
});
