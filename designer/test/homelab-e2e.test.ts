/**
 * The homelab example in the designer: Debian's Chromium opens examples/homelab (a copy, with the
 * first-party packages linked) served by the real `highstate designer`, checks that every instance and
 * hub of the project is drawn as a full card, and photographs the canvas and each recipe's part of it
 * for docs/recipes.md (`homelab-*.png`, written to docs/screenshots/ with HIGHSTATE_UPDATE_SCREENSHOTS=1).
 */
import { mkdirSync, readFileSync } from "node:fs";
import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { chromiumArgs, chromiumPath } from "./support/browser.ts";
import { type DesignerProcess, ensureBuilt, ensureDesignerBuilt, monorepoRoot, startDesigner } from "./support/designer-process.ts";
import { node, screenshotsDir } from "./support/ui.ts";

const example = join(monorepoRoot, "examples/homelab");
const manifest = JSON.parse(readFileSync(join(example, "package.json"), "utf8")) as { dependencies: Record<string, string> };
const project = JSON.parse(readFileSync(join(example, "projects/homelab.json"), "utf8")) as {
  instances: Array<{ id: string; type: string }>;
  hubs: Array<{ id: string }>;
};

/** Package name → its folder in the monorepo, for what the example depends on and what those need. */
function packageFolders(): Map<string, string> {
  const folders = new Map<string, string>([
    ["@highstate/contract", "library/contract"],
    ["@highstate/pulumi", "library/pulumi"],
  ]);
  for (const name of Object.keys(manifest.dependencies)) {
    if (name === "@highstate/runner") continue;
    folders.set(name, `packages/${name.replace("@highstate/", "")}`);
  }
  return folders;
}

/** The parts of the canvas each recipe shows, by instance and hub id. */
const recipes: Record<string, string[]> = {
  "homelab-k3s": ["common.ssh-key-pair.v1:admin", "common.existing-server.v1:node-1", "k3s.cluster.v1:home"],
  "homelab-proxmox-talos": [
    "proxmox.connection.v1:pve",
    "proxmox.existing-image.v1:talos-1-11",
    "proxmox.virtual-machine.v1:talos-cp-1",
    "talos.cluster.v1:lab",
  ],
  "homelab-access-point": [
    "cert-manager.controller.v1:cert-manager",
    "cert-manager.dns01-issuer.v1:letsencrypt",
    "cloudflare.connection.v1:example-com",
    "traefik.gateway.v1:traefik",
    "k8s.access-point.v1:public",
  ],
  "homelab-databases-apps": [
    "restic.repository.v1:backups",
    "databases.mariadb.v1:mariadb",
    "databases.mariadb-database.v1:vaultwarden",
    "databases.postgresql.v1:postgresql",
    "apps.vaultwarden.v1:vaultwarden",
    "apps.kubernetes-dashboard.v1:dashboard",
    "hub:home",
  ],
  "homelab-wireguard": project.instances.filter((instance) => instance.type.startsWith("wireguard.")).map((instance) => instance.id),
};

let workspace: string;
let designer: DesignerProcess;
let profile: string;
let context: BrowserContext;
const errors: string[] = [];

/** A photograph of the smallest rectangle holding the given nodes, with a margin. */
async function photograph(page: Page, name: string, ids: string[]): Promise<void> {
  const boxes = await Promise.all(ids.map(async (id) => (await node(page, id).boundingBox())!));
  const margin = 24;
  const left = Math.max(0, Math.min(...boxes.map((box) => box.x)) - margin);
  const top = Math.max(0, Math.min(...boxes.map((box) => box.y)) - margin);
  const right = Math.max(...boxes.map((box) => box.x + box.width)) + margin;
  const bottom = Math.max(...boxes.map((box) => box.y + box.height)) + margin;
  mkdirSync(screenshotsDir, { recursive: true });
  await page.screenshot({
    path: join(screenshotsDir, `${name}.png`),
    clip: { x: left, y: top, width: right - left, height: bottom - top },
  });
}

beforeAll(async () => {
  for (const folder of packageFolders().values()) await ensureBuilt(join(monorepoRoot, folder));
  await ensureDesignerBuilt();
  workspace = await mkdtemp(join(tmpdir(), "highstate-homelab-e2e-"));
  await cp(join(example, "projects"), join(workspace, "projects"), { recursive: true });
  await cp(join(example, "Pulumi.yaml"), join(workspace, "Pulumi.yaml"));
  await cp(join(example, "package.json"), join(workspace, "package.json"));
  await writeFile(join(workspace, ".gitignore"), ".highstate/\nnode_modules/\n");
  await mkdir(join(workspace, "node_modules/@highstate"), { recursive: true });
  for (const [name, folder] of packageFolders()) await symlink(join(monorepoRoot, folder), join(workspace, "node_modules", name), "dir");
  designer = await startDesigner(workspace);
  // Large enough that the whole canvas fits at a zoom that draws full cards; a device scale of 2 keeps
  // the text of the recipe photographs sharp.
  profile = await mkdtemp(join(tmpdir(), "highstate-chromium-"));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    args: chromiumArgs,
    headless: true,
    viewport: { width: 2560, height: 1440 },
    deviceScaleFactor: 2,
  });
}, 600_000);

afterAll(async () => {
  await context?.close().catch(() => undefined);
  if (profile) await rm(profile, { recursive: true, force: true });
  await designer?.stop();
  if (workspace) await rm(workspace, { recursive: true, force: true });
});

describe("the homelab example in the designer", () => {
  test("draws every instance and hub of the project as a card, and photographs each recipe's part", async () => {
    const page = context.pages()[0] ?? (await context.newPage());
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(designer.url);
    await page.getByRole("heading", { name: "Projects" }).waitFor();
    await page.getByRole("link", { name: "homelab" }).first().click();
    await page.waitForURL(/#\/projects\/homelab/);
    // The project has no password yet: the designer offers to unlock it; the canvas is shown without.
    const unlock = page.getByRole("dialog", { name: 'Unlock "homelab"' });
    await unlock.waitFor();
    await unlock.getByRole("button", { name: "Cancel" }).click();
    await unlock.waitFor({ state: "detached" });
    for (const instance of project.instances) await node(page, instance.id).waitFor();
    for (const hub of project.hubs) await node(page, hub.id).waitFor();
    expect(await page.locator(".react-flow__node").count()).toBe(project.instances.length + project.hubs.length);
    // Fitted, the canvas is drawn with full cards (titles), not the zoomed-out drawing.
    await expect.poll(() => page.locator(".card-title").count()).toBeGreaterThanOrEqual(project.instances.length);
    expect(await page.locator(".cards-canvas").count()).toBe(0);
    await page.waitForTimeout(500);
    // Laid out readably: no card covers another.
    const boxes = await Promise.all(
      [...project.instances, ...project.hubs].map(async ({ id }) => ({ id, box: (await node(page, id).boundingBox())! })),
    );
    const overlaps: string[] = [];
    for (const [index, a] of boxes.entries()) {
      for (const b of boxes.slice(index + 1)) {
        const apart =
          a.box.x + a.box.width <= b.box.x ||
          b.box.x + b.box.width <= a.box.x ||
          a.box.y + a.box.height <= b.box.y ||
          b.box.y + b.box.height <= a.box.y;
        if (!apart) overlaps.push(`${a.id} / ${b.id}`);
      }
    }
    expect(overlaps).toEqual([]);
    mkdirSync(screenshotsDir, { recursive: true });
    await page.screenshot({ path: join(screenshotsDir, "homelab-canvas.png"), scale: "css" });
    for (const [name, ids] of Object.entries(recipes)) await photograph(page, name, ids);
    expect(errors).toEqual([]);
  });
});
