/**
 * Every card state, looked at: Debian's Chromium drives the built designer served by the real designer
 * server (in this process, fake engine) on a temp workspace with @highstate/common linked in. One
 * project holds a card in each state — not created, running, created with status fields, created
 * with terminals and pages, failed, outdated, unknown component — and the test checks layout facts
 * from DOM geometry at zoom 1 and at each zoom level where the canvas changes its detail, and saves a
 * screenshot of every card at every level under `designer/test/screenshots/` (gitignored).
 */
import { mkdirSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ProjectSnapshot } from "@highstate/project/api";
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { installPackage, linkContract } from "../../runner/src/registry/__fixtures__/plugin-workspace.ts";
import { ApiClient } from "../../runner/src/server/__fixtures__/client.ts";
import { type DesignerServer, startDesignerServer } from "../../runner/src/server/designer-server.ts";
import { FakeEngine } from "../../runner/src/testing/index.ts";
import { type BrowserSession, openBrowser } from "./support/browser.ts";
import { createWorkspace, ensureE2eBuilt, monorepoRoot } from "./support/designer-process.ts";
import { node, openCardMenu } from "./support/ui.ts";

const screenshots = join(monorepoRoot, "designer/test/screenshots");
const server$ = "common.existing-server.v1";

/** The cards, by the state each is in once the setup is done. */
const cards = {
  "not-created": `${server$}:fresh`,
  running: `${server$}:busy`,
  /** Running again after a run that gave it a terminal and a page: the fullest footer. */
  rerunning: `${server$}:again`,
  "status-fields": "common.ssh-key-pair.v1:keys",
  "terminals-pages": `${server$}:web`,
  failed: `${server$}:broken`,
  outdated: `${server$}:old`,
  "unknown-component": "acme.widget.v1:mystery",
} as const;
type CardState = keyof typeof cards;
const expectedChip: Record<CardState, RegExp> = {
  "not-created": /^NOT CREATED$/,
  running: /^RUNNING/,
  rerunning: /^RUNNING( \d\/3)?$/,
  "status-fields": /^CREATED 2\/2$/,
  "terminals-pages": /^CREATED 3\/3$/,
  failed: /^FAILED$/,
  outdated: /^OUTDATED$/,
  "unknown-component": /^UNKNOWN COMPONENT$/,
};

/**
 * The zoom levels: 1; 0.5, the smallest at which cards are still DOM (below 0.45 the canvas draws
 * them); 0.3, drawn with titles; 0.1, drawn as boxes with input/output bars and the status bar.
 */
const zooms = [1, 0.5, 0.3, 0.1] as const;
const fullDetail = (zoom: number) => zoom >= 0.45;

/** The definitions module of `@acme/docs-demo`: one component whose descriptions are markdown. */
const docsDemoSource = `import { defineComponent, z } from "@highstate/contract";
export const docsDemo = defineComponent({
  type: "acme.docs-demo.v1",
  args: {
    manifest: z
      .string()
      .describe("Path of the manifest, for example \`deploy/app.yaml\`; see [the guide](https://example.com/guide) or [this](javascript:window.__injected=true). <img src=x onerror=\\"window.__injected=true\\">"),
  },
  meta: {
    title: "Docs Demo",
    description: "Applies a manifest with \`kubectl apply\` and **waits** for it. <img src=x onerror=\\"window.__injected=true\\">",
  },
  source: { package: "@acme/docs-demo", path: "unit" },
});
`;

let workspace: { dir: string; remove: () => Promise<void> };
let engine: FakeEngine;
let server: DesignerServer;
let browser: BrowserSession;

async function waitFor(api: ApiClient, what: string, check: (snapshot: ProjectSnapshot) => boolean): Promise<ProjectSnapshot> {
  for (let waited = 0; ; waited += 100) {
    const snapshot = (await api.request("GET", "/api/projects/lab")).json<ProjectSnapshot>();
    if (check(snapshot)) return snapshot;
    if (waited > 30_000) throw new Error(`${what} did not happen within 30 s: ${JSON.stringify(snapshot.statuses)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  await ensureE2eBuilt();
  await rm(screenshots, { recursive: true, force: true });
  mkdirSync(screenshots, { recursive: true });
  workspace = await createWorkspace();
  // A plugin whose docs use markdown (and try to inject HTML), for the help and palette checks.
  const demo = await installPackage(join(workspace.dir, "node_modules"), { name: "@acme/docs-demo", source: docsDemoSource });
  // It imports the built contract, as a published plugin would (not the workspace link to the source).
  await linkContract(join(demo, "node_modules"));
  const manifest = JSON.parse(await readFile(join(workspace.dir, "package.json"), "utf8")) as { dependencies: Record<string, string> };
  manifest.dependencies["@acme/docs-demo"] = "1.0.0";
  await writeFile(join(workspace.dir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  const webOutputs = {
    server: { value: { hostname: "web", endpoints: ["10.0.0.1"] }, secret: false },
    $statusFields: {
      value: [{ name: "hostname", title: "Hostname", value: "fragile-roof.example.net", secret: false }],
      secret: false,
    },
    $terminals: {
      value: [{ type: "local", name: "shell", title: "Shell", command: ["/bin/sh"], env: {}, files: [] }],
      secret: true,
    },
    $pages: { value: [{ name: "notes", title: "Notes", blocks: [{ type: "markdown", content: "# Notes" }] }], secret: false },
  };
  engine = new FakeEngine({
    defaultBehavior: { resourceCount: 3 },
    behaviors: {
      [cards["status-fields"]]: {
        resourceCount: 2,
        outputs: {
          keyPair: { value: { type: "ed25519" }, secret: false },
          $statusFields: {
            value: [
              { name: "fingerprint", title: "Fingerprint", value: "SHA256:ePYBhkKG6hORHc7P5TDqv0cFQ1kPzX0S3mG2qZzq8aY", secret: false },
              { name: "publicKey", title: "Public Key", value: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHs1 highstate", secret: false },
            ],
            secret: false,
          },
        },
      },
      [cards["terminals-pages"]]: { outputs: webOutputs },
      [cards.rerunning]: { outputs: webOutputs },
      [cards.running]: { hang: true },
      [cards.failed]: { fail: "ssh: connect to host 10.0.0.4 port 22: Connection refused" },
    },
  });
  server = await startDesignerServer({ workspace: workspace.dir, port: 0, engine });
  const api = new ApiClient(server.port, server.token);
  const created = await api.request("POST", "/api/projects", { name: "lab", password: "correct horse battery" });
  expect(created.status, created.text).toBe(201);
  const column = (index: number) => ({ x: (index % 4) * 380, y: Math.floor(index / 4) * 360 });
  const servers = ["web", "fresh", "busy", "broken", "old", "again"];
  const added = await api.request("POST", "/api/projects/lab/mutations", {
    revision: created.json<ProjectSnapshot>().revision,
    mutations: [
      { op: "add-instance", type: "common.ssh-key-pair.v1", name: "keys", position: column(0) },
      ...servers.map((name, index) => ({
        op: "add-instance",
        type: server$,
        name,
        args: { endpoint: `10.0.0.${index + 1}` },
        position: column(index + 1),
      })),
      {
        op: "connect",
        instanceId: cards["terminals-pages"],
        input: "sshKeyPair",
        source: { instanceId: cards["status-fields"], output: "keyPair" },
      },
    ],
  });
  expect(added.status, added.text).toBe(200);
  const run = async (ids: string[]) => {
    const started = await api.request("POST", "/api/projects/lab/operations", { type: "up", instanceIds: ids });
    expect(started.status, started.text).toBe(202);
  };
  const first = [cards["status-fields"], cards["terminals-pages"], cards.outdated, cards.rerunning];
  await run(first);
  await waitFor(api, "the first runs", (snapshot) => first.every((id) => snapshot.statuses[id]?.state === "created"));
  await run([cards.failed]);
  await waitFor(api, "the failed run", (snapshot) => snapshot.statuses[cards.failed]?.state === "failed");
  // Changed args after a run: outdated.
  const before = (await api.request("GET", "/api/projects/lab")).json<ProjectSnapshot>();
  const changed = await api.request("POST", "/api/projects/lab/mutations", {
    revision: before.revision,
    mutations: [{ op: "set-args", instanceId: cards.outdated, args: { endpoint: "10.0.0.55", sshPort: 2222 } }],
  });
  expect(changed.status, changed.text).toBe(200);
  engine.setBehavior(cards.rerunning, { hang: true, outputs: webOutputs });
  await run([cards.running]);
  await run([cards.rerunning]);
  await waitFor(api, "the hanging runs", (snapshot) =>
    [cards.running, cards.rerunning].every((id) => snapshot.statuses[id]?.state === "running"),
  );
  // An instance of a component whose package is not installed, as a project file edited elsewhere has it.
  const file = join(workspace.dir, "projects/lab.json");
  const project = JSON.parse(await readFile(file, "utf8")) as { instances: unknown[] };
  project.instances.push({
    id: cards["unknown-component"],
    type: "acme.widget.v1",
    name: "mystery",
    uid: "mystery0widget01",
    args: { size: "large", colour: "teal" },
    inputs: {},
    injectionInputs: [],
    position: column(7),
  });
  await writeFile(file, `${JSON.stringify(project, null, 2)}\n`);
  await waitFor(api, "the edited project file", (snapshot) => snapshot.statuses[cards["unknown-component"]]?.state === "unknown-component");
  browser = await openBrowser({ width: 1800, height: 1000 });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close({ force: true });
  await workspace?.remove();
});

/** Opens the project at a zoom, the view's top-left corner at the first card. */
async function openAt(page: Page, zoom: number): Promise<void> {
  await page.goto(`${server.url}#/projects/lab`);
  await page.evaluate((viewport) => localStorage.setItem("highstate:viewport:lab", JSON.stringify(viewport)), {
    x: 40,
    y: 40,
    zoom,
  });
  await page.reload();
  await node(page, cards["not-created"]).waitFor({ state: "attached" });
  await expect
    .poll(() => page.locator(".react-flow__viewport").evaluate((element) => getComputedStyle(element).transform))
    .toContain(`matrix(${zoom}, 0, 0, ${zoom}`);
  // Fonts and icons settle, the canvas (zoomed out) is drawn.
  await page.waitForTimeout(400);
}

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}
const inside = (inner: Box, outer: Box, slack = 0.5) =>
  inner.x >= outer.x - slack &&
  inner.y >= outer.y - slack &&
  inner.x + inner.width <= outer.x + outer.width + slack &&
  inner.y + inner.height <= outer.y + outer.height + slack;
const overlap = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

async function box(locator: Locator): Promise<Box> {
  const found = await locator.boundingBox();
  if (!found) throw new Error(`no box for ${locator.toString()}`);
  return found;
}

/** Saves a screenshot of one card with a margin around it. */
async function cardShot(page: Page, id: string, name: string): Promise<void> {
  const card = await box(node(page, id));
  const margin = 12;
  await page.screenshot({
    path: join(screenshots, `${name}.png`),
    clip: {
      x: Math.max(0, card.x - margin),
      y: Math.max(0, card.y - margin),
      width: card.width + margin * 2,
      height: card.height + margin * 2,
    },
  });
}

/** Layout facts of a full-detail card, checked from its DOM geometry. */
async function checkFullCard(page: Page, state: CardState, zoom: number): Promise<void> {
  const card = node(page, cards[state]).locator(".card");
  const cardBox = await box(card);
  const where = `${state} at zoom ${zoom}`;
  // Everything on the card is inside its box: header, sections, chips, buttons.
  for (const part of await card.locator(".card-header, .card-section, .card-footer, .status-chip, button, .chip-io, .kv").all()) {
    const partBox = await box(part);
    const label = (await part.getAttribute("aria-label")) ?? (await part.getAttribute("class"));
    expect(inside(partBox, cardBox), `${label} of ${where} sticks out of the card: ${JSON.stringify({ partBox, cardBox })}`).toBe(true);
  }
  // The status pill reads on one line, fully (no clipping), and does not touch the buttons.
  const chip = card.getByTestId("status-chip");
  expect(await chip.textContent(), where).toMatch(expectedChip[state]);
  const chipFacts = await chip.evaluate((element) => ({
    clipped: element.scrollWidth > element.clientWidth + 1,
    lines: Math.round(element.getBoundingClientRect().height / Number.parseFloat(getComputedStyle(element).lineHeight || "0")),
  }));
  expect(chipFacts.clipped, `status pill of ${where} is clipped`).toBe(false);
  const chipBox = await box(chip);
  for (const button of await card.locator(".card-buttons button").all())
    expect(overlap(chipBox, await box(button)), `status pill of ${where} overlaps a button`).toBe(false);
  // Every status field shows its value (not only its label), on the field's row.
  for (const field of await card.locator(".card-fields .kv").all()) {
    const value = await box(field.locator(".v"));
    const label = await box(field.locator(".k"));
    expect(value.height, `a status field value of ${where} has no height`).toBeGreaterThan(8 * zoom);
    expect(value.width, `a status field value of ${where} has no width`).toBeGreaterThan(20 * zoom);
    expect(
      Math.abs(value.y + value.height / 2 - (label.y + label.height / 2)),
      `field value and label of ${where} are not on one row`,
    ).toBeLessThan(3);
  }
}

/** The tone whose colour, blended with the card fill (#2a2b2e) in some proportion, is nearest to `pixel`. */
function closestTone(pixel: number[], tones: Record<string, number[]>): string {
  const fill = [0x2a, 0x2b, 0x2e];
  let best = { name: "", error: Number.POSITIVE_INFINITY };
  for (const [name, colour] of Object.entries(tones)) {
    const direction = colour.map((channel, index) => channel - fill[index]!);
    const offset = pixel.map((channel, index) => channel - fill[index]!);
    const dot = direction.reduce((sum, value, index) => sum + value * offset[index]!, 0);
    const alpha = Math.min(1, Math.max(0, dot / direction.reduce((sum, value) => sum + value * value, 0)));
    const error = offset.reduce((sum, value, index) => sum + (value - alpha * direction[index]!) ** 2, 0);
    if (alpha > 0.15 && error < best.error) best = { name, error };
  }
  return best.name;
}

describe("cards in every state", () => {
  test("lay out correctly at every zoom level, with a screenshot of each", async () => {
    const { page, errors } = browser;
    for (const zoom of zooms) {
      await openAt(page, zoom);
      const level = `z${Math.round(zoom * 100)}`;
      await page.screenshot({ path: join(screenshots, `cards-${level}.png`) });
      for (const state of Object.keys(cards) as CardState[]) {
        const id = cards[state];
        if (fullDetail(zoom)) {
          await checkFullCard(page, state, zoom);
        } else {
          // Drawn on the canvas: the DOM card is an unpainted box of the same size, and the canvas
          // paints the card's status bar in its tone at the bottom of that box.
          expect(await node(page, id).locator(".card.ghost").count(), `${state} at ${zoom}`).toBe(1);
          const tone = await node(page, id).evaluate((element) => {
            const canvas = document.querySelector<HTMLCanvasElement>("canvas.cards-canvas")!;
            const card = element.getBoundingClientRect();
            const area = canvas.getBoundingClientRect();
            const sx = canvas.width / area.width;
            const sy = canvas.height / area.height;
            const x = Math.round((card.left + card.width / 2 - area.left) * sx);
            // The status bar spans 12 to 3 units above the card's bottom edge: take its brightest pixel
            // (at small zooms its edges blend into the card).
            const unit = card.height / (element as HTMLElement).offsetHeight;
            const top = Math.floor((card.bottom - 12 * unit - area.top) * sy);
            const bottom = Math.ceil((card.bottom - 3 * unit - area.top) * sy);
            const data = canvas.getContext("2d")!.getImageData(x, top, 1, Math.max(1, bottom - top)).data;
            let best = [0, 0, 0];
            for (let index = 0; index < data.length; index += 4)
              if (data[index]! + data[index + 1]! + data[index + 2]! > best[0]! + best[1]! + best[2]!)
                best = [data[index]!, data[index + 1]!, data[index + 2]!];
            return best;
          });
          // At small zooms the bar is thinner than a pixel and blends with the card's fill: find the tone
          // that, mixed with the fill, explains the pixel best.
          const tones = {
            ok: [0x6f, 0xcf, 0x72],
            busy: [0x8c, 0xc2, 0xff],
            error: [0xff, 0x8a, 0x80],
            warning: [0xf0, 0xc7, 0x5e],
            muted: [0x8b, 0x8e, 0x94],
          };
          const expectedTone: Record<CardState, keyof typeof tones> = {
            "not-created": "muted",
            running: "busy",
            rerunning: "busy",
            "status-fields": "ok",
            "terminals-pages": "ok",
            failed: "error",
            outdated: "warning",
            "unknown-component": "warning",
          };
          expect(closestTone(tone, tones), `status bar of ${state} at ${zoom}: ${tone}`).toBe(expectedTone[state]);
        }
        await cardShot(page, id, `card-${state}-${level}`);
      }
    }
    expect(errors).toEqual([]);
  });

  test("offers Terminal and Page buttons only where the instance has them", async () => {
    const { page } = browser;
    await openAt(page, 1);
    for (const state of Object.keys(cards) as CardState[]) {
      const name = cards[state].split(":")[1]!;
      const offers = state === "terminals-pages" || state === "rerunning" ? 1 : 0;
      expect(await page.getByRole("button", { name: `Terminal of ${name}`, exact: true }).count(), state).toBe(offers);
      expect(await page.getByRole("button", { name: `Page of ${name}`, exact: true }).count(), state).toBe(offers);
    }
    await page.getByRole("button", { name: "Page of web", exact: true }).click();
    await page.getByRole("article", { name: "Notes" }).getByRole("heading", { name: "Notes", level: 1 }).waitFor();
  });

  test("with the log dock open, the zoom controls stay clear of every status pill", async () => {
    const { page } = browser;
    await openAt(page, 1);
    await (await openCardMenu(page, "fresh")).getByRole("menuitem", { name: "Show logs" }).click();
    await page.getByRole("log", { name: `Log of ${cards["not-created"]}` }).waitFor();
    // The card sits at the canvas's bottom-left corner, where the controls are.
    await page.getByRole("button", { name: "Fit view" }).click();
    await page.waitForTimeout(600);
    const controls = await box(page.locator(".react-flow__controls"));
    const dock = await box(page.getByRole("log", { name: `Log of ${cards["not-created"]}` }));
    expect(controls.y + controls.height, "the zoom controls reach into the dock").toBeLessThanOrEqual(dock.y);
    const minimap = await box(page.getByRole("img", { name: /^Minimap of the canvas/ }));
    expect(await page.getByTestId("status-chip").count()).toBe(Object.keys(cards).length);
    for (const chip of await page.getByTestId("status-chip").all()) {
      const chipBox = await box(chip);
      expect(overlap(controls, chipBox), `the zoom controls cover the pill "${await chip.textContent()}"`).toBe(false);
      expect(overlap(minimap, chipBox), `the minimap covers the pill "${await chip.textContent()}"`).toBe(false);
      expect(chipBox.y + chipBox.height, `the pill "${await chip.textContent()}" is under the dock`).toBeLessThanOrEqual(dock.y);
    }
    await page.screenshot({ path: join(screenshots, "cards-dock-open.png") });
  });

  test("descriptions render their markdown safely in the palette and in a form's help", async () => {
    const { page, errors } = browser;
    await openAt(page, 1);
    const palette = page.getByRole("complementary", { name: "Components" });
    const item = palette.locator('.palette-item[data-type="acme.docs-demo.v1"]');
    await item.waitFor();
    // Backticks become code, emphasis is kept, raw HTML is text, and there is no link inside the button.
    expect(await item.locator(".palette-description code").textContent()).toBe("kubectl apply");
    expect(await item.locator(".palette-description strong").textContent()).toBe("waits");
    expect(await item.locator("img, a").count()).toBe(0);
    expect(await item.locator(".palette-description").textContent()).toContain("<img src=x");
    await item.screenshot({ path: join(screenshots, "markdown-palette.png") });

    // The add dialog: the component description and the required arg's help.
    await item.click();
    const dialog = page.getByRole("dialog", { name: "New Docs Demo" });
    await dialog.waitFor();
    expect(await dialog.locator(".description code").textContent()).toBe("kubectl apply");
    const help = dialog.locator(".field-help", { hasText: "Path of the manifest" });
    expect(await help.locator("code").textContent()).toBe("deploy/app.yaml");
    const guide = help.getByRole("link", { name: "the guide" });
    expect(await guide.getAttribute("href")).toBe("https://example.com/guide");
    expect(await guide.getAttribute("rel")).toBe("noopener noreferrer");
    expect(await guide.getAttribute("target")).toBe("_blank");
    // The javascript: link is shown as its text, not as a link.
    expect(await help.getByRole("link").count()).toBe(1);
    expect(await help.locator(".md-link").textContent()).toBe("this");
    expect(await help.locator("img").count()).toBe(0);
    expect(await page.evaluate(() => (window as { __injected?: boolean }).__injected)).toBeUndefined();
    await dialog.screenshot({ path: join(screenshots, "markdown-form.png") });
    await dialog.getByRole("button", { name: "Cancel" }).click();

    // An installed component's arg help in the args form: the host key example is code.
    await page.getByRole("button", { name: "Edit args of web" }).click();
    const args = page.getByRole("dialog", { name: /Existing Server “web” — args/ });
    expect(await args.locator(".field-help code").allTextContents()).toEqual(["ssh-ed25519 AAAA…", "/etc/ssh/ssh_host_ed25519_key.pub"]);
    await args.getByRole("button", { name: "Cancel" }).click();
    expect(errors).toEqual([]);
  });

  test("the secrets dialog's “not set” pill stays on one line next to a long description", async () => {
    const { page } = browser;
    await openAt(page, 1);
    await page.getByRole("button", { name: "Secrets of fresh" }).click();
    const dialog = page.getByRole("dialog", { name: "Secrets of “fresh”" });
    for (const name of ["sshPrivateKey", "sshPassword"]) {
      const pill = dialog.getByTestId(`secret-state-${name}`);
      expect(await pill.textContent()).toBe("not set");
      const facts = await pill.evaluate((element) => {
        const range = document.createRange();
        range.selectNodeContents(element);
        return { lines: range.getClientRects().length, width: element.getBoundingClientRect().width };
      });
      expect(facts.lines, `the pill of ${name} wraps`).toBe(1);
    }
    await dialog.screenshot({ path: join(screenshots, "secrets-not-set.png") });
    await page.keyboard.press("Escape");
  });

  test("on a locked project the Terminal button asks for the password first, then opens the terminal", async () => {
    const { page } = browser;
    // A new server does not hold the password: the project opens locked, its terminals unreadable.
    await server.close({ force: true });
    server = await startDesignerServer({ workspace: workspace.dir, port: 0, engine });
    await page.goto(`${server.url}#/projects/lab`);
    const unlock = page.getByRole("dialog", { name: 'Unlock "lab"' });
    await unlock.waitFor();
    await page.keyboard.press("Escape");
    await unlock.waitFor({ state: "detached" });
    await page.getByRole("button", { name: "Terminal of web", exact: true }).click();
    await unlock.waitFor();
    await unlock.getByLabel("Password", { exact: true }).fill("correct horse battery");
    await unlock.getByRole("button", { name: "Unlock" }).click();
    await page.locator(`[data-terminal="${cards["terminals-pages"]}:shell"]`).waitFor();
    await page.screenshot({ path: join(screenshots, "locked-terminal-opened.png") });
  });
});
