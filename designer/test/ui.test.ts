/**
 * UI behaviour in Chromium against the runner's real server with the fake engine: hubs, undo/redo,
 * copy/paste, delete with confirmation, keyboard use, the code editor, failed and cancelled runs,
 * and the zoomed-out drawing of a 1,000-instance project.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { benchPackages, benchProject } from "../bench/bench-project.ts";
import { type BrowserSession, openBrowser } from "./support/browser.ts";
import { testPackages } from "./support/definitions.ts";
import { ensureDesignerBuilt } from "./support/designer-process.ts";
import { startTestServer, type TestServer } from "./support/test-server.ts";
import { addInstance, dragBetween, handle, node, screenshot } from "./support/ui.ts";

const keyId = "common.ssh-key-pair.v1:main";
const webId = "common.existing-server.v1:web";
const clusterId = "test.existing-cluster.v1:prod";
let server: TestServer;
let browser: BrowserSession;

beforeAll(async () => {
  await ensureDesignerBuilt();
  server = await startTestServer({
    assetsDir: await ensureDesignerBuilt(),
    packages: testPackages,
    engine: { defaultBehavior: { delayMs: 3000, resourceCount: 4 } },
  });
  browser = await openBrowser();
  const { page } = browser;
  await page.goto(server.url);
  await page.getByRole("button", { name: "New project" }).first().click();
  const create = page.getByRole("dialog", { name: "New project" });
  await create.getByLabel("Name").fill("lab");
  await create.getByLabel("Password", { exact: true }).fill("correct horse battery");
  await create.getByLabel("Confirm password").fill("correct horse battery");
  await create.getByRole("button", { name: "Create project" }).click();
  await page.waitForURL(/#\/projects\/lab/);
  await addInstance(page, "SSH Key Pair", "main");
  await addInstance(page, "Existing Server", "web", { Endpoint: "10.0.0.1" });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe("the canvas", () => {
  test("hubs collect outputs and are injected into instances", async () => {
    const { page } = browser;
    // Keyboard only: search, Tab to the Hub entry, Enter, Enter.
    await page.getByRole("searchbox", { name: "Search components" }).focus();
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: "New hub" });
    await dialog.getByLabel("Hub name").fill("keys");
    await page.keyboard.press("Enter");
    await dialog.waitFor({ state: "detached" });
    await node(page, "hub:keys").waitFor();
    await expect.poll(async () => (await server.project("lab")).hubs.length).toBe(1);
    await dragBetween(page, handle(page, keyId, "out:keyPair"), handle(page, "hub:keys", "hub-in"));
    await expect.poll(async () => (await server.project("lab")).hubs[0]?.inputs).toEqual([{ instanceId: keyId, output: "keyPair" }]);
    await node(page, webId).hover();
    await dragBetween(page, handle(page, "hub:keys", "hub-out"), handle(page, webId, "inject"));
    await expect
      .poll(async () => (await server.project("lab")).instances.find((instance) => instance.id === webId)!.injectionInputs)
      .toEqual(["hub:keys"]);
    await screenshot(page, "hub");
  });

  test("connects by keyboard from the card menu", async () => {
    const { page } = browser;
    await page.getByRole("button", { name: "More actions for web" }).focus();
    await page.keyboard.press("ArrowDown");
    const menu = page.getByRole("menu", { name: "More actions for web" });
    await menu.waitFor();
    await menu.getByRole("menuitem", { name: "Connections…" }).focus();
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: "Connections of “web”" });
    const sshKeyPair = async () =>
      (await server.project("lab")).instances.find((instance) => instance.id === webId)!.inputs.sshKeyPair ?? [];
    await dialog.getByLabel("Connect to SSH Key Pair").selectOption({ label: "SSH Key Pair “main” → Key Pair" });
    await expect.poll(sshKeyPair).toEqual([{ instanceId: keyId, output: "keyPair" }]);
    await screenshot(page, "connections-dialog");
    await dialog.getByRole("button", { name: "disconnect" }).click();
    await expect.poll(sshKeyPair).toEqual([]);
    await dialog.getByLabel("Connect to SSH Key Pair").selectOption({ label: "SSH Key Pair “main” → Key Pair" });
    await expect.poll(sshKeyPair).toEqual([{ instanceId: keyId, output: "keyPair" }]);
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
  });

  test("drags a component from the palette and renames an instance", async () => {
    const { page } = browser;
    const pane = page.locator(".react-flow__pane");
    const box = (await pane.boundingBox())!;
    await page
      .getByRole("complementary", { name: "Components" })
      .getByRole("button", { name: /^SSH Key Pair/ })
      .dragTo(pane, { targetPosition: { x: 120, y: box.height - 140 } });
    const dialog = page.getByRole("dialog", { name: "New SSH Key Pair" });
    await dialog.getByLabel("Instance name").fill("dragged");
    await dialog.getByRole("button", { name: "Add" }).click();
    await node(page, "common.ssh-key-pair.v1:dragged").waitFor();
    await page.getByRole("button", { name: "More actions for dragged" }).click();
    await page.getByRole("menuitem", { name: "Rename…" }).click();
    const rename = page.getByRole("dialog", { name: "Rename “dragged”" });
    await rename.getByLabel("Instance name").fill("main");
    await expect.poll(() => rename.getByText('an instance of this component is already named "main"').count()).toBe(1);
    await rename.getByLabel("Instance name").fill("renamed");
    await rename.getByRole("button", { name: "Rename" }).click();
    await node(page, "common.ssh-key-pair.v1:renamed").waitFor();
    await expect
      .poll(async () => (await server.project("lab")).instances.map((instance) => instance.id))
      .toContain("common.ssh-key-pair.v1:renamed");
    await page.getByRole("button", { name: "More actions for renamed" }).click();
    await page.getByRole("menuitem", { name: "Delete…" }).click();
    await page.getByRole("dialog", { name: "Delete “renamed”?" }).getByRole("button", { name: "Delete" }).click();
    await node(page, "common.ssh-key-pair.v1:renamed").waitFor({ state: "detached" });
  });

  test("undo and redo, copy and paste, delete with confirmation", async () => {
    const { page } = browser;
    const ids = async () => (await server.project("lab")).instances.map((instance) => instance.id).sort();
    await page.getByRole("button", { name: "Fit view" }).click();
    await node(page, keyId).click({ position: { x: 150, y: 20 } });
    await page.keyboard.press("Control+c");
    await page.getByText("Copied 1 instance").first().waitFor();
    await page.keyboard.press("Control+v");
    await expect.poll(ids).toContain("common.ssh-key-pair.v1:main-2");
    await page.keyboard.press("Control+z");
    await expect.poll(ids).not.toContain("common.ssh-key-pair.v1:main-2");
    await page.keyboard.press("Control+Shift+z");
    await expect.poll(ids).toContain("common.ssh-key-pair.v1:main-2");

    await node(page, "common.ssh-key-pair.v1:main-2").click({ position: { x: 150, y: 20 } });
    await page.keyboard.press("Delete");
    const confirm = page.getByRole("dialog", { name: "Delete “main-2”?" });
    await confirm.waitFor();
    await screenshot(page, "delete-confirmation");
    await confirm.getByRole("button", { name: "Cancel" }).click();
    expect(await ids()).toContain("common.ssh-key-pair.v1:main-2");
    await page.keyboard.press("Delete");
    await page.getByRole("dialog", { name: "Delete “main-2”?" }).getByRole("button", { name: "Delete" }).click();
    await expect.poll(ids).not.toContain("common.ssh-key-pair.v1:main-2");
    await page.getByRole("button", { name: "Undo" }).click();
    await expect.poll(ids).toContain("common.ssh-key-pair.v1:main-2");

    // Moving a card is saved.
    const before = (await server.project("lab")).instances.find((instance) => instance.id === keyId)!.position;
    const box = (await node(page, keyId).boundingBox())!;
    await page.mouse.move(box.x + 150, box.y + 20);
    await page.mouse.down();
    await page.mouse.move(box.x + 150, box.y + 120, { steps: 8 });
    await page.mouse.up();
    await expect
      .poll(async () => (await server.project("lab")).instances.find((instance) => instance.id === keyId)!.position.y)
      .toBeGreaterThan(before.y + 60);
  });

  test("args with code use a highlighted editor; validation shows inline", async () => {
    const { page } = browser;
    await addInstance(page, "Existing Cluster", "prod", { "API Server": "https://10.0.0.9:6443" });
    await page.getByRole("button", { name: "Edit args of prod" }).click();
    const args = page.getByRole("dialog", { name: /Existing Cluster “prod” — args/ });
    await args.getByLabel("Replicas", { exact: true }).fill("12");
    await expect.poll(() => args.getByText("Replicas must be at most 9").count()).toBe(1);
    await args.getByLabel("Replicas", { exact: true }).fill("5");
    await args.getByLabel("Channel", { exact: true }).selectOption({ label: "latest" });
    await args.getByRole("button", { name: "Add node labels item" }).click();
    await args.getByLabel("Node Labels #1", { exact: true }).fill("edge");
    await args.getByLabel("Patch", { exact: true }).fill("machine:\n  network:\n    hostname: prod # pinned");
    await expect.poll(() => args.locator(".code-editor .token.key").count()).toBeGreaterThan(1);
    await screenshot(page, "args-code-editor");
    await args.getByRole("button", { name: "Save args" }).click();
    await args.waitFor({ state: "detached" });
    expect((await server.project("lab")).instances.find((instance) => instance.id === clusterId)!.args).toEqual({
      apiServer: "https://10.0.0.9:6443",
      replicas: 5,
      channel: "latest",
      nodeLabels: ["edge"],
      patch: "machine:\n  network:\n    hostname: prod # pinned",
    });
  });

  test("a failed run shows its error on the card and in the log; a run can be cancelled", async () => {
    const { page } = browser;
    // The engine cannot reach the endpoint the args name now.
    server.engine.setBehavior(webId, { fail: 'cannot connect to "fail.invalid": name does not resolve' });
    // Cards out of view are not mounted: bring them all into view, then use the keyboard.
    await page.getByRole("button", { name: "Fit view" }).click();
    await page.getByRole("button", { name: "Edit args of web" }).focus();
    await page.keyboard.press("Enter");
    const args = page.getByRole("dialog", { name: /Existing Server “web” — args/ });
    await args.getByLabel("Endpoint", { exact: true }).fill("fail.invalid");
    await args.getByRole("button", { name: "Save args" }).click();
    await args.waitFor({ state: "detached" });
    // web takes main's key pair, so main runs first (the server refuses to run web on a missing input).
    await page.getByRole("button", { name: "Run main", exact: true }).focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => node(page, keyId).getByTestId("status-chip").textContent(), { timeout: 30_000 }).toMatch(/^CREATED/);
    await page.getByRole("button", { name: "Run web" }).focus();
    await page.keyboard.press("Enter");
    const chip = node(page, webId).getByTestId("status-chip");
    // The real server shows a count once the engine knows the total; the fake engine's first run does not tell it.
    await expect.poll(() => chip.textContent(), { timeout: 15_000 }).toMatch(/^RUNNING/);
    await expect.poll(() => chip.textContent(), { timeout: 15_000 }).toBe("FAILED");
    expect(await chip.getAttribute("title")).toContain('cannot connect to "fail.invalid"');
    expect(await node(page, webId).getByTestId("run-error").textContent()).toContain(
      'cannot connect to "fail.invalid": name does not resolve',
    );
    const log = page.getByRole("log", { name: `Log of ${webId}` });
    await expect.poll(() => log.locator(".level-error").textContent()).toContain("name does not resolve");
    const toast = page.locator(".toast-error", { hasText: "The up of “web” failed" });
    await toast.waitFor();
    expect(await toast.textContent()).toContain('cannot connect to "fail.invalid": name does not resolve');
    await screenshot(page, "run-failed");
    await toast.getByRole("button", { name: "Dismiss" }).click();

    await page.getByRole("button", { name: "Run prod", exact: true }).focus();
    await page.keyboard.press("Enter");
    const cancel = page.getByRole("button", { name: "Cancel up" });
    await cancel.waitFor();
    await cancel.click();
    await expect.poll(() => node(page, clusterId).getByTestId("status-chip").textContent(), { timeout: 15_000 }).toBe("FAILED");
    expect(browser.errors).toEqual([]);
  });

  test("an instance the last drift check found drifted shows a drift marker in its header", async () => {
    const { page } = browser;
    await page.getByRole("button", { name: "Fit view" }).click();
    const chip = node(page, keyId).getByTestId("status-chip");
    const up = await server.request<{ id: string }>("POST", "/api/projects/lab/operations", { type: "up", instanceIds: [keyId] });
    const finished = async () =>
      (await server.request<Array<{ id: string; finishedAt?: string }>>("GET", "/api/projects/lab/operations")).some(
        (operation) => operation.id === up.id && operation.finishedAt !== undefined,
      );
    await expect.poll(finished, { timeout: 30_000 }).toBe(true);
    await expect.poll(() => chip.textContent(), { timeout: 30_000 }).toBe("CREATED 4/4");
    server.engine.setBehavior(keyId, {
      delayMs: 200,
      drift: [{ name: "main-2", type: "tls:index:PrivateKey", properties: ["algorithm"] }],
    });
    // A drift check through the API (what `highstate drift` runs): a refresh preview that records only the drift.
    const check = await server.request<{ detectDrift?: boolean }>("POST", "/api/projects/lab/operations", {
      type: "refresh",
      instanceIds: [keyId],
      detectDrift: true,
    });
    expect(check.detectDrift).toBe(true);
    const marker = node(page, keyId).getByTestId("drift-marker");
    await expect.poll(() => marker.textContent(), { timeout: 30_000 }).toBe("DRIFT 1");
    expect(await marker.getAttribute("title")).toContain("tls:index:PrivateKey main-2: algorithm");
    expect(await chip.textContent()).toBe("CREATED 4/4");
    expect(await node(page, webId).getByTestId("drift-marker").count()).toBe(0);
    await screenshot(page, "card-drift");
    expect(browser.errors).toEqual([]);
  });
});

describe("projects", () => {
  test("switches between projects from the top bar", async () => {
    const { page } = browser;
    await page.getByRole("link", { name: "All projects" }).click();
    await page.getByRole("heading", { name: "Projects" }).waitFor();
    await page.getByRole("button", { name: "New project" }).first().click();
    const create = page.getByRole("dialog", { name: "New project" });
    await create.getByLabel("Name").fill("lab");
    await create.getByLabel("Password", { exact: true }).fill("another password");
    await create.getByLabel("Confirm password").fill("another password");
    await create.getByRole("button", { name: "Create project" }).click();
    await expect.poll(() => create.getByText('a project named "lab" already exists').count()).toBe(1);
    await create.getByLabel("Name").fill("staging");
    await create.getByRole("button", { name: "Create project" }).click();
    await page.waitForURL(/#\/projects\/staging/);
    expect(await page.locator(".react-flow__node").count()).toBe(0);
    await page.getByRole("combobox", { name: "Switch project" }).selectOption("lab");
    await page.waitForURL(/#\/projects\/lab/);
    await node(page, keyId).waitFor({ state: "attached" });
    await page.getByRole("link", { name: "All projects" }).click();
    await expect.poll(() => page.locator(".project-row").count()).toBe(2);
    await screenshot(page, "projects");
  });
});

describe("a 1,000-instance project", () => {
  test("draws zoomed out and switches to full cards when zoomed in", async () => {
    const { project, statuses } = benchProject(1000);
    // The bench build: it has the hooks that tell when the canvas has drawn and that set the viewport.
    const big = await startTestServer({
      assetsDir: await ensureDesignerBuilt("bench"),
      packages: benchPackages,
      projects: { big: { password: "bench-password", project, statuses } },
    });
    const session = await openBrowser();
    try {
      const { page } = session;
      await page.goto(big.urlFor("/projects/big", "bench=1&view=fit"));
      await page.waitForFunction(() => (window as never as { __bench?: { renderDone?: number } }).__bench?.renderDone !== undefined, null, {
        timeout: 120_000,
      });
      expect(await page.locator(".cards-canvas").count()).toBe(1);
      expect(await page.locator(".react-flow__node").count()).toBe(1000);
      expect(await page.locator(".card-title").count()).toBe(0);
      await screenshot(page, "zoomed-out-1000");
      await page.evaluate(() =>
        (window as never as { __rf: { setViewport(v: object): void } }).__rf.setViewport({ x: -200, y: -150, zoom: 0.3 }),
      );
      await page.waitForTimeout(300);
      expect(await page.locator(".card-title").count()).toBe(0);
      await screenshot(page, "zoomed-mid-1000");
      await page.evaluate(() => (window as never as { __rf: { setViewport(v: object): void } }).__rf.setViewport({ x: 0, y: 0, zoom: 1 }));
      await expect.poll(() => page.locator(".card-title").count()).toBeGreaterThan(0);
      expect(await page.locator(".cards-canvas").count()).toBe(0);
      expect(await page.locator(".react-flow__node").count()).toBeLessThan(60);
      await screenshot(page, "zoomed-in-1000");
      expect(session.errors).toEqual([]);
    } finally {
      await session.close();
      await big.close();
    }
  });
});
