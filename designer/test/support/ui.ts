/** Small helpers for driving the designer in tests. */
import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Locator, Page } from "playwright-core";
import { monorepoRoot } from "./designer-process.ts";

/**
 * Where screenshots go: docs/screenshots/ when `HIGHSTATE_UPDATE_SCREENSHOTS=1` (to refresh the ones
 * the docs show, then look at them and commit), otherwise a temp folder, so `npm test` never changes
 * tracked files.
 */
export const screenshotsDir =
  process.env.HIGHSTATE_UPDATE_SCREENSHOTS === "1"
    ? join(monorepoRoot, "docs/screenshots")
    : join(tmpdir(), "highstate-designer-screenshots");

/** Saves a screenshot of the page (see {@link screenshotsDir}). */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotsDir, { recursive: true });
  await page.waitForTimeout(250);
  await page.screenshot({ path: join(screenshotsDir, `${name}.png`) });
}

/** The React Flow node of an instance or hub. */
export function node(page: Page, id: string): Locator {
  return page.locator(`.react-flow__node[data-id="${id}"]`);
}

/** A handle of a node. */
export function handle(page: Page, id: string, handleId: string): Locator {
  return node(page, id).locator(`.react-flow__handle[data-handleid="${handleId}"]`);
}

/** Drags with the mouse from the centre of one element to the centre of another. */
export async function dragBetween(page: Page, from: Locator, to: Locator): Promise<void> {
  // The canvas may still be animating (a new node is scrolled into view): drag only once both ends stand still.
  const a = await stableBox(page, from);
  const b = await stableBox(page, to);
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  for (let step = 1; step <= 12; step++) {
    await page.mouse.move(
      a.x + a.width / 2 + ((b.x + b.width / 2 - a.x - a.width / 2) * step) / 12,
      a.y + a.height / 2 + ((b.y + b.height / 2 - a.y - a.height / 2) * step) / 12,
    );
  }
  await page.mouse.up();
}

/** The bounding box of an element once it has not moved for two consecutive animation-frame-spaced reads. */
async function stableBox(page: Page, locator: Locator): Promise<{ x: number; y: number; width: number; height: number }> {
  let previous = await locator.boundingBox();
  for (let attempt = 0; attempt < 50; attempt++) {
    await page.waitForTimeout(60);
    const current = await locator.boundingBox();
    if (previous && current && current.x === previous.x && current.y === previous.y && current.width === previous.width) return current;
    previous = current;
  }
  throw new Error("the element kept moving for 3 s; cannot drag it");
}

/** Adds an instance from the palette (click, then name it and fill the required args, by label). */
export async function addInstance(page: Page, title: string, name: string, args: Record<string, string> = {}): Promise<void> {
  await page
    .getByRole("complementary", { name: "Components" })
    .getByRole("button", { name: new RegExp(`^${title}`) })
    .click();
  const dialog = page.getByRole("dialog", { name: `New ${title}` });
  await dialog.getByLabel("Instance name").fill(name);
  for (const [label, value] of Object.entries(args)) await dialog.getByLabel(label, { exact: true }).fill(value);
  await dialog.getByRole("button", { name: "Add" }).click();
  await dialog.waitFor({ state: "detached" });
}

/**
 * Opens a card's "More actions" menu and returns it. Clicks again when the menu is not open shortly
 * after a click, as a user would: right after a run the card may re-render under the pointer (status
 * fields arrive over the WebSocket), and on a busy machine the first click can land in that moment.
 */
export async function openCardMenu(page: Page, instanceName: string): Promise<Locator> {
  const name = `More actions for ${instanceName}`;
  const menu = page.getByRole("menu", { name });
  const button = page.getByRole("button", { name });
  for (let attempt = 1; ; attempt += 1) {
    // A click on an open menu's button would close it: click only while it says it is closed.
    if ((await button.getAttribute("aria-expanded")) !== "true") await button.click();
    try {
      await menu.waitFor({ timeout: 5_000 });
      return menu;
    } catch (error) {
      if (attempt === 3) {
        await screenshot(page, `menu-not-open-${instanceName}`);
        throw error;
      }
    }
  }
}
