/**
 * End to end with the real engine and no `pulumi` CLI: Debian's Chromium drives the built designer
 * served by the real `highstate designer` (HIGHSTATE_ENGINE=pulumi) whose PATH and HOME hold no
 * `pulumi`. The designer says up front that runs cannot start (a banner with the install command), and
 * a Run that is pressed anyway ends visibly: the error on the card, in a toast and in the instance's log.
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type BrowserSession, openBrowser } from "./support/browser.ts";
import { createWorkspace, type DesignerProcess, ensureE2eBuilt, startDesigner } from "./support/designer-process.ts";
import { addInstance, node, screenshot } from "./support/ui.ts";

const keyId = "common.ssh-key-pair.v1:main";
const systemDirs = ["/usr/local/bin", "/usr/bin", "/bin"];

let workspace: { dir: string; remove: () => Promise<void> };
let home: string;
let designer: DesignerProcess;
let browser: BrowserSession;

// The system folders must stay on PATH (sh, env, …): a machine with pulumi in one of them cannot hide it.
const systemPulumi = systemDirs.map((dir) => join(dir, "pulumi")).find((file) => existsSync(file));
if (systemPulumi)
  console.log(`Skipping the no-pulumi end-to-end test: ${systemPulumi} exists, so a PATH without pulumi cannot be made here.`);

beforeAll(async () => {
  if (systemPulumi) return;
  await ensureE2eBuilt();
  workspace = await createWorkspace();
  // An empty HOME (no ~/.pulumi/versions) and a PATH of node plus the system folders, none with pulumi.
  home = await mkdtemp(join(tmpdir(), "highstate-no-pulumi-home-"));
  await mkdir(join(home, "bin"));
  await symlink(process.execPath, join(home, "bin/node"));
  designer = await startDesigner(workspace.dir, {
    HIGHSTATE_ENGINE: "pulumi",
    PATH: [join(home, "bin"), ...systemDirs].join(":"),
    HOME: home,
  });
  browser = await openBrowser();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await designer?.stop();
  await workspace?.remove();
  if (home) await rm(home, { recursive: true, force: true });
});

describe.skipIf(systemPulumi !== undefined)("the designer with the real engine and no pulumi CLI", () => {
  test("says runs cannot start, and a run pressed anyway shows its error on the card, in a toast and in the log", async () => {
    const { page } = browser;
    await page.goto(designer.url);
    await page.getByRole("heading", { name: "Projects" }).waitFor();
    await page.getByRole("button", { name: "New project" }).first().click();
    const create = page.getByRole("dialog", { name: "New project" });
    await create.getByLabel("Name").fill("no-cli");
    await create.getByLabel("Password", { exact: true }).fill("correct horse battery staple");
    await create.getByLabel("Confirm password").fill("correct horse battery staple");
    await create.getByRole("button", { name: "Create project" }).click();
    await page.waitForURL(/#\/projects\/no-cli/);

    // Up front: the banner names the problem and the install command.
    const banner = page.getByTestId("engine-banner");
    await banner.waitFor();
    const bannerText = (await banner.textContent()) ?? "";
    expect(bannerText).toContain("Runs cannot start.");
    expect(bannerText).toContain('The Pulumi CLI ("pulumi") was not found');
    expect(await banner.locator("code", { hasText: "highstate install-pulumi" }).count()).toBeGreaterThan(0);

    await addInstance(page, "SSH Key Pair", "main");
    const card = node(page, keyId);
    await card.waitFor();
    const run = page.getByRole("button", { name: "Run main", exact: true });
    expect(await run.getAttribute("title")).toContain("Runs cannot start now: The Pulumi CLI");
    await page.getByRole("button", { name: "More actions for main" }).click();
    expect(await page.getByRole("menuitem", { name: "Preview" }).getAttribute("title")).toContain("Runs cannot start now: The Pulumi CLI");
    await page.keyboard.press("Escape");
    await run.click();

    // The card: FAILED with the reason.
    await expect.poll(() => card.getByTestId("status-chip").textContent(), { timeout: 20_000 }).toBe("FAILED");
    await expect.poll(() => card.getByTestId("run-error").textContent()).toContain('The Pulumi CLI ("pulumi") was not found');

    // The toast: which run failed and why, with the install command.
    const toast = page.locator(".toast-error", { hasText: "The up of “main” failed" });
    await toast.waitFor();
    expect(await toast.textContent()).toContain("highstate install-pulumi");

    // The log: a line saying the run could not start, instead of "No log yet".
    const log = page.getByRole("log", { name: `Log of ${keyId}` });
    await log.waitFor();
    await expect
      .poll(() => log.locator(".log-line.level-error").allTextContents())
      .toEqual([expect.stringContaining('The up could not start: The Pulumi CLI ("pulumi") was not found')]);
    expect(await log.textContent()).not.toContain("No log yet");
    await screenshot(page, "run-without-pulumi");

    // The server agrees: the operation failed with the same reason, and the instance's status says so.
    const operations = await page.evaluate(async () => {
      const token = sessionStorage.getItem("highstate.access-token") ?? "";
      const response = await fetch("/api/projects/no-cli/operations", { headers: token ? { authorization: `Bearer ${token}` } : {} });
      return (await response.json()) as Array<{ state: string; error?: string }>;
    });
    expect(operations[0]).toMatchObject({ state: "failed", error: expect.stringContaining("highstate install-pulumi") });

    // The log survives a reload (it is stored), and the card still shows the failure.
    await page.reload();
    await card.waitFor();
    expect(await card.getByTestId("run-error").textContent()).toContain("was not found");
    await page.getByTestId("engine-banner").waitFor();

    // Installing a CLI while the designer is open: "Check again" finds it. This one is not the pinned
    // version, so the banner turns into a warning that says so, and Run no longer explains a blocker.
    await writeFile(join(home, "bin/pulumi"), "#!/bin/sh\necho v3.200.0\n", { mode: 0o755 });
    await page.getByTestId("engine-banner").getByRole("button", { name: "Check again" }).click();
    await expect
      .poll(() => page.getByTestId("engine-banner").textContent())
      .toContain("Pulumi 3.200.0 is installed; Highstate is tested with");
    expect(await page.getByTestId("engine-banner").getAttribute("class")).toContain("notice-warning");
    expect(await run.getAttribute("title")).toBe("Run (up)");
    await screenshot(page, "run-pulumi-other-version");
    await page.getByTestId("engine-banner").getByRole("button", { name: "Dismiss" }).click();
    await page.getByTestId("engine-banner").waitFor({ state: "detached" });
  });
});
