/**
 * End to end: Debian's Chromium drives the built designer served by the real `highstate designer`
 * (fake engine). Run with dependencies (from the card's menu and from the toast of a run refused for
 * lack of them) and "Run outdated" from the toolbar list what will run in the order the server runs
 * it, and run exactly that; a preview shows what `up` would do per resource, calls a replacement out,
 * and goes on with `up`.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { designerApi } from "./support/api-client.ts";
import { type BrowserSession, openBrowser } from "./support/browser.ts";
import { createWorkspace, type DesignerProcess, ensureE2eBuilt, startDesigner } from "./support/designer-process.ts";
import { node, openCardMenu, screenshot } from "./support/ui.ts";

const project = "shop";
const keyId = "common.ssh-key-pair.v1:main";
const webId = "common.existing-server.v1:web";
const dbId = "common.existing-server.v1:db";

let workspace: { dir: string; remove: () => Promise<void> };
let designer: DesignerProcess;
let browser: BrowserSession;

/** Calls the designer API from the test (the token is the one the server printed). */
function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  return designerApi(designer)<T>(method, path, body);
}

type Operation = { id: string; type: string; instanceIds: string[]; state: string; finishedAt?: string };

const chip = (page: Page, id: string) => node(page, id).getByTestId("status-chip");

/** The instance ids a dialog lists, in order. */
async function listed(page: Page, dialogName: string): Promise<string[]> {
  const dialog = page.getByRole("dialog", { name: dialogName });
  await dialog.getByTestId("run-item").first().waitFor();
  return dialog.getByTestId("run-item").evaluateAll((items) => items.map((item) => item.getAttribute("data-instance-id") ?? ""));
}

beforeAll(async () => {
  await ensureE2eBuilt();
  workspace = await createWorkspace();
  designer = await startDesigner(workspace.dir, {
    HIGHSTATE_FAKE_ENGINE_DELAY_MS: "700",
    // Once "web" exists, a preview (and up) of it replaces its authorized key and updates its hostname.
    HIGHSTATE_FAKE_ENGINE_STEPS: JSON.stringify({
      [webId]: [
        { op: "replace", type: "command:remote:Command", name: "web-authorized-key", keys: ["create"], diffs: ["create"] },
        { op: "update", type: "command:remote:Command", name: "web-hostname", diffs: ["environment"] },
      ],
    }),
  });
  browser = await openBrowser();
  // A key pair that two servers take: main → web, main → db.
  await api("POST", "/api/projects", { name: project, password: "correct horse battery staple" });
  await api("POST", `/api/projects/${project}/mutations`, {
    revision: 1,
    mutations: [
      { op: "add-instance", type: "common.ssh-key-pair.v1", name: "main", position: { x: 0, y: 120 } },
      { op: "add-instance", type: "common.existing-server.v1", name: "web", args: { endpoint: "web.example" }, position: { x: 420, y: 0 } },
      { op: "add-instance", type: "common.existing-server.v1", name: "db", args: { endpoint: "db.example" }, position: { x: 420, y: 300 } },
      { op: "connect", instanceId: webId, input: "sshKeyPair", source: { instanceId: keyId, output: "keyPair" } },
      { op: "connect", instanceId: dbId, input: "sshKeyPair", source: { instanceId: keyId, output: "keyPair" } },
    ],
  });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await designer?.stop();
  await workspace?.remove();
});

describe("running with dependencies and previewing", () => {
  test("Run outdated lists everything in run order, and Cancel runs nothing", async () => {
    const { page } = browser;
    await page.goto(designer.url);
    await page.getByRole("link", { name: new RegExp(project) }).click();
    await node(page, dbId).waitFor();
    await page.getByRole("button", { name: "Run outdated…" }).click();
    expect(await listed(page, "Run everything outdated")).toEqual([keyId, webId, dbId]);
    const dialog = page.getByRole("dialog", { name: "Run everything outdated" });
    expect(await dialog.locator(".run-step").count()).toBe(2);
    expect(await dialog.getByRole("button", { name: "Run 3 instances" }).isEnabled()).toBe(true);
    await screenshot(page, "run-outdated-dialog");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "detached" });
    await page.waitForTimeout(300);
    expect(await api<Operation[]>("GET", `/api/projects/${project}/operations`)).toEqual([]);
    expect(await chip(page, keyId).textContent()).toBe("NOT CREATED");
  });

  test("a Run refused for missing dependencies offers Run with dependencies, which lists them first and runs them", async () => {
    const { page } = browser;
    await page.getByRole("button", { name: "Run web", exact: true }).click();
    const toast = page.locator(".toast-error", { hasText: "needs its dependencies first" });
    await toast.waitFor();
    expect(await toast.textContent()).toContain('takes inputs from "common.ssh-key-pair.v1:main", which is not created');
    expect(await toast.textContent()).toContain("Run with dependencies");
    await screenshot(page, "run-needs-dependencies-toast");
    await toast.getByRole("button", { name: "Run with dependencies…" }).click();
    const dialogName = "Run “web” with dependencies";
    expect(await listed(page, dialogName)).toEqual([keyId, webId]);
    const dialog = page.getByRole("dialog", { name: dialogName });
    const items = dialog.getByTestId("run-item");
    expect(await items.nth(0).textContent()).toContain("dependency");
    expect(await items.nth(0).textContent()).toContain("not created");
    expect(await items.nth(1).textContent()).not.toContain("dependency");
    await screenshot(page, "run-with-dependencies-dialog");
    await dialog.getByRole("button", { name: "Run 2 instances" }).click();

    await expect.poll(() => chip(page, webId).textContent(), { timeout: 30_000 }).toBe("CREATED 3/3");
    expect(await chip(page, keyId).textContent()).toBe("CREATED 3/3");
    expect(await chip(page, dbId).textContent()).toBe("NOT CREATED");
    const operations = await api<Operation[]>("GET", `/api/projects/${project}/operations`);
    expect(operations.map((operation) => [operation.type, operation.instanceIds, operation.state])).toEqual([
      ["up", [keyId, webId], "completed"],
    ]);
  });

  test("Run with dependencies from the card menu, and Run outdated once only db is left", async () => {
    const { page } = browser;
    await (await openCardMenu(page, "db")).getByRole("menuitem", { name: "Run with dependencies…" }).click();
    // Its dependency is created and up to date, so only db itself runs.
    expect(await listed(page, "Run “db” with dependencies")).toEqual([dbId]);
    // Preview the selection: db would create its resources; closing the preview runs nothing.
    await page.getByRole("dialog", { name: "Run “db” with dependencies" }).getByRole("button", { name: "Preview" }).click();
    const preview = page.getByRole("dialog", { name: "Preview of “db”" });
    await expect.poll(() => preview.locator(".preview-counts").textContent(), { timeout: 30_000 }).toBe("+3 create");
    expect(await preview.locator(".preview-change").allTextContents()).toEqual([
      expect.stringMatching(/^create\s*db-1\s*fake:index:Resource$/),
      expect.stringMatching(/^create\s*db-2\s*fake:index:Resource$/),
      expect.stringMatching(/^create\s*db-3\s*fake:index:Resource$/),
    ]);
    expect(await preview.getByTestId("replace-warning").count()).toBe(0);
    expect(await preview.getByRole("button", { name: "Run", exact: true }).isEnabled()).toBe(true);
    await preview.locator(".dialog-footer").getByRole("button", { name: "Close" }).click();
    await preview.waitFor({ state: "detached" });
    expect(await chip(page, dbId).textContent()).toBe("NOT CREATED");

    await page.getByRole("button", { name: "Run outdated…" }).click();
    expect(await listed(page, "Run everything outdated")).toEqual([dbId]);
    await page.getByRole("dialog", { name: "Run everything outdated" }).getByRole("button", { name: "Run 1 instance" }).click();
    await expect.poll(() => chip(page, dbId).textContent(), { timeout: 30_000 }).toBe("CREATED 3/3");

    await page.getByRole("button", { name: "Run outdated…" }).click();
    const done = page.getByRole("dialog", { name: "Run everything outdated" });
    await done.getByText("Everything is created and up to date").waitFor();
    expect(await done.getByRole("button", { name: "Run", exact: true }).isDisabled()).toBe(true);
    await done.getByRole("button", { name: "Cancel" }).click();
  });

  test("a preview lists each resource's change, calls the replacement out, and Run goes on with up", async () => {
    const { page } = browser;
    await (await openCardMenu(page, "web")).getByRole("menuitem", { name: "Preview…" }).click();
    const dialog = page.getByRole("dialog", { name: "Preview of “web”" });
    const warning = dialog.getByTestId("replace-warning");
    await warning.waitFor({ timeout: 30_000 });
    expect(await warning.textContent()).toContain("1 resource will be replaced");
    expect(await warning.textContent()).toContain("web-authorized-key");
    expect(await warning.textContent()).toContain("because create changed");
    const rows = dialog.locator(".preview-change");
    expect(await rows.allTextContents()).toEqual([
      expect.stringMatching(/^replace\s*web-authorized-key\s*command:remote:Command\s*because create changed$/),
      expect.stringMatching(/^update\s*web-hostname\s*command:remote:Command\s*changes environment$/),
    ]);
    expect(await dialog.locator(".preview-counts").textContent()).toBe("±1 replace~1 update1 unchanged");
    const run = dialog.getByRole("button", { name: "Run and replace 1" });
    expect(await run.isEnabled()).toBe(true);
    await screenshot(page, "preview-replacement");
    // The preview changed nothing.
    expect(await chip(page, webId).textContent()).toBe("CREATED 3/3");

    await run.click();
    await dialog.waitFor({ state: "detached" });
    await expect
      .poll(async () => (await api<Operation[]>("GET", `/api/projects/${project}/operations`))[0], { timeout: 30_000 })
      .toMatchObject({ type: "up", instanceIds: [webId], state: "completed" });
    await expect.poll(() => chip(page, webId).textContent(), { timeout: 10_000 }).toBe("CREATED 3/3");
    // The refused run (409) is the only failed request the page logged.
    expect(browser.errors.filter((error) => !/status of 409/.test(error))).toEqual([]);
  });
});
