/**
 * End to end: Debian's Chromium drives the built designer served by the real `highstate designer`
 * (fake engine) on a temp workspace with @highstate/common linked in. Saves screenshots of the main
 * screens (under docs/screenshots/ with HIGHSTATE_UPDATE_SCREENSHOTS=1).
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type BrowserSession, openBrowser } from "./support/browser.ts";
import { createWorkspace, type DesignerProcess, ensureE2eBuilt, startDesigner } from "./support/designer-process.ts";
import { addInstance, dragBetween, handle, node, screenshot } from "./support/ui.ts";

const password = "correct horse battery staple";
const keyId = "common.ssh-key-pair.v1:main";
const webId = "common.existing-server.v1:web";
const dbId = "common.existing-server.v1:db";

let workspace: { dir: string; remove: () => Promise<void> };
let designer: DesignerProcess;
let browser: BrowserSession;

beforeAll(async () => {
  await ensureE2eBuilt();
  workspace = await createWorkspace();
  designer = await startDesigner(workspace.dir);
  browser = await openBrowser();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await designer?.stop();
  await workspace?.remove();
});

describe("the designer against highstate designer", () => {
  test("creates a project, adds and connects instances, sets args and a secret, and keeps them", async () => {
    const { page } = browser;
    await page.goto(designer.url);
    await page.getByRole("heading", { name: "Projects" }).waitFor();
    expect(new URL(page.url()).searchParams.has("token")).toBe(false);
    await screenshot(page, "projects-empty");

    await page.getByRole("button", { name: "New project" }).first().click();
    const create = page.getByRole("dialog", { name: "New project" });
    await create.getByLabel("Name").fill("home-lab");
    await create.getByLabel("Password", { exact: true }).fill("password1");
    await expect.poll(() => create.locator(".strength .field-help").textContent()).toContain("very weak");
    await create.getByLabel("Password", { exact: true }).fill(password);
    await create.getByLabel("Confirm password").fill(`${password}!`);
    await create.getByRole("button", { name: "Create project" }).click();
    await expect.poll(() => create.getByText("the passwords do not match").count()).toBe(1);
    await create.getByLabel("Confirm password").fill(password);
    await screenshot(page, "create-project");
    await create.getByRole("button", { name: "Create project" }).click();
    await page.waitForURL(/#\/projects\/home-lab/);
    await page.getByRole("complementary", { name: "Components" }).waitFor();

    await addInstance(page, "SSH Key Pair", "main");
    // Existing Server requires its endpoint: the add dialog asks for it.
    await page
      .getByRole("complementary", { name: "Components" })
      .getByRole("button", { name: /^Existing Server/ })
      .click();
    const addServer = page.getByRole("dialog", { name: "New Existing Server" });
    await addServer.getByLabel("Instance name").fill("web");
    await addServer.getByRole("button", { name: "Add" }).click();
    await expect.poll(() => addServer.getByText("Endpoint is required").count()).toBe(1);
    await addServer.getByLabel("Endpoint", { exact: true }).fill("10.0.0.1");
    await screenshot(page, "add-instance");
    await addServer.getByRole("button", { name: "Add" }).click();
    await addServer.waitFor({ state: "detached" });
    await node(page, keyId).waitFor();
    await node(page, webId).waitFor();

    // A name that is taken for the type is refused in the dialog.
    await page
      .getByRole("complementary", { name: "Components" })
      .getByRole("button", { name: /^Existing Server/ })
      .click();
    const nameDialog = page.getByRole("dialog", { name: "New Existing Server" });
    await nameDialog.getByLabel("Instance name").fill("web");
    await expect.poll(() => nameDialog.getByText('an instance of this component is already named "web"').count()).toBe(1);
    await nameDialog.getByLabel("Instance name").fill("Web_1");
    await expect.poll(() => nameDialog.getByText("the name must start with a lower-case letter").count()).toBe(1);
    await nameDialog.getByRole("button", { name: "Cancel" }).click();

    await dragBetween(page, handle(page, keyId, "out:keyPair"), handle(page, webId, "in:sshKeyPair"));
    await page.locator(`.react-flow__edge[data-id="${keyId}/keyPair>${webId}/sshKeyPair"]`).waitFor();

    await page.getByRole("button", { name: "Edit args of web" }).click();
    const args = page.getByRole("dialog", { name: /Existing Server “web” — args/ });
    await args.getByLabel("SSH Port", { exact: true }).fill("not a port");
    await expect.poll(() => args.getByText("SSH Port must be a whole number").count()).toBe(1);
    await args.getByLabel("SSH Port", { exact: true }).fill("2222");
    await args.getByLabel("Endpoint", { exact: true }).fill("10.20.30.40");
    await screenshot(page, "args-editor");
    await args.getByRole("button", { name: "Save args" }).click();
    await args.waitFor({ state: "detached" });
    await expect.poll(() => node(page, webId).locator(".card-args").textContent()).toContain("10.20.30.40");

    await page.getByRole("button", { name: "Secrets of web" }).click();
    const secrets = page.getByRole("dialog", { name: "Secrets of “web”" });
    const passwordRow = secrets.locator(".secret-row", { hasText: "SSH Password" });
    await passwordRow.getByRole("button", { name: "Set…" }).click();
    await passwordRow.getByLabel("New value of SSH Password").fill("hunter2-very-secret");
    await passwordRow.getByRole("button", { name: "Save secret" }).click();
    await expect.poll(() => passwordRow.getByTestId("secret-state-sshPassword").textContent()).toBe("set");
    await expect.poll(() => secrets.getByText("hunter2-very-secret").count()).toBe(0);
    await passwordRow.getByRole("button", { name: "Reveal", exact: true }).click();
    // Revealing asks for the project password again once a minute has passed since it was entered,
    // which a busy machine may take to get here.
    const prompt = passwordRow.getByLabel(/^Project password/);
    const value = secrets.getByLabel("Value of SSH Password");
    await expect.poll(async () => (await prompt.count()) + (await value.count())).toBeGreaterThan(0);
    if ((await prompt.count()) > 0) {
      await prompt.fill(password);
      await passwordRow.getByRole("button", { name: "Reveal with password" }).click();
    }
    await expect.poll(() => value.inputValue()).toBe("hunter2-very-secret");
    await screenshot(page, "secrets");
    await secrets.getByRole("button", { name: "Done" }).click();

    // Reload: everything comes back from the server.
    await page.reload();
    await node(page, webId).waitFor();
    await page.locator(`.react-flow__edge[data-id="${keyId}/keyPair>${webId}/sshKeyPair"]`).waitFor();
    await expect.poll(() => node(page, webId).locator(".card-args").textContent()).toContain("2222");
    await page.getByRole("button", { name: "Secrets of web" }).click();
    await expect.poll(() => page.getByTestId("secret-state-sshPassword").textContent()).toBe("set");
    await page.keyboard.press("Escape");
    await screenshot(page, "canvas");

    const file = await readFile(join(workspace.dir, "projects/home-lab.json"), "utf8");
    expect(file).not.toContain("hunter2");
    const saved = JSON.parse(file) as { instances: Array<{ id: string; args: Record<string, unknown>; inputs: Record<string, unknown> }> };
    const web = saved.instances.find((instance) => instance.id === webId)!;
    expect(web.args).toEqual({ endpoint: "10.20.30.40", sshPort: 2222 });
    expect(web.inputs).toEqual({ sshKeyPair: [{ instanceId: keyId, output: "keyPair" }] });
    expect(saved.instances.map((instance) => instance.id).sort()).toEqual([webId, keyId].sort());
    const secretsFile = await readFile(join(workspace.dir, "Pulumi.home-lab.yaml"), "utf8");
    expect(secretsFile).not.toContain("hunter2");
    expect(secretsFile).toContain("secure:");
  });

  test("refuses an incompatible connection with the reason", async () => {
    const { page } = browser;
    await addInstance(page, "Existing Server", "db", { Endpoint: "10.0.0.2" });
    await node(page, dbId).waitFor();
    await page.getByRole("button", { name: "Fit view" }).click();
    await dragBetween(page, handle(page, webId, "out:server"), handle(page, dbId, "in:sshKeyPair"));
    const toast = page.locator(".toast-error", { hasText: "Connection refused" });
    await toast.waitFor();
    expect(await toast.textContent()).toContain(
      'takes SSH Key Pair (common.ssh-key-pair.v1), but output "server" of Existing Server "web" gives Server (common.server.v1)',
    );
    await screenshot(page, "incompatible-connection");
    expect(await page.locator(`.react-flow__edge[data-id="${webId}/server>${dbId}/sshKeyPair"]`).count()).toBe(0);
    const saved = JSON.parse(await readFile(join(workspace.dir, "projects/home-lab.json"), "utf8")) as {
      instances: Array<{ id: string; inputs: Record<string, unknown> }>;
    };
    expect(saved.instances.find((instance) => instance.id === dbId)!.inputs ?? {}).toEqual({});
    await toast.getByRole("button", { name: "Dismiss" }).click();
  });

  test("runs an instance on the fake engine with live status and logs", async () => {
    const { page } = browser;
    await page.getByRole("button", { name: "Run main", exact: true }).click();
    const chip = node(page, keyId).getByTestId("status-chip");
    await expect.poll(() => chip.textContent(), { timeout: 20_000 }).toMatch(/^(PENDING|RUNNING)/);
    const log = page.getByRole("log", { name: `Log of ${keyId}` });
    await log.waitFor();
    await screenshot(page, "run-in-progress");
    await expect.poll(() => chip.textContent(), { timeout: 30_000 }).toBe("CREATED 3/3");
    await expect.poll(() => log.textContent(), { timeout: 10_000 }).not.toContain("No log yet");
    await screenshot(page, "run-logs");
  });

  test("a wrong password is refused and changes nothing", async () => {
    // A new server process does not hold the password: the project opens locked.
    await designer.stop();
    const before = await readFile(join(workspace.dir, "projects/home-lab.json"), "utf8");
    designer = await startDesigner(workspace.dir);
    const { page } = browser;
    await page.goto(designer.url);
    await page.getByRole("link", { name: /home-lab/ }).click();
    const unlock = page.getByRole("dialog", { name: "Unlock “home-lab”" }).or(page.getByRole("dialog", { name: 'Unlock "home-lab"' }));
    await unlock.waitFor();
    await unlock.getByLabel("Password", { exact: true }).fill("not the password");
    await unlock.getByRole("button", { name: "Unlock" }).click();
    await expect.poll(() => unlock.getByRole("alert").textContent()).toContain('Wrong password for "home-lab"');
    await screenshot(page, "unlock-wrong-password");
    expect(await readFile(join(workspace.dir, "projects/home-lab.json"), "utf8")).toBe(before);
    await unlock.getByLabel("Password", { exact: true }).fill(password);
    await unlock.getByRole("button", { name: "Unlock" }).click();
    await unlock.waitFor({ state: "detached" });
    await page.getByText("unlocked", { exact: true }).waitFor();
    // Expected: the refused unlock (401) and the old page's socket while the server restarted.
    expect(browser.errors.filter((error) => !/status of 401|ERR_CONNECTION_REFUSED/.test(error))).toEqual([]);
  });
});
