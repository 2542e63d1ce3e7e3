/**
 * Debian's Chromium driven by playwright-core, the way every designer browser test and the benchmark
 * start it: no sandbox, no GPU, a fresh profile directory, never a downloaded browser.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";

export const chromiumPath = process.env.HIGHSTATE_CHROMIUM ?? "/usr/bin/chromium";
export const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Console errors and page errors seen so far. */
  errors: string[];
  close(): Promise<void>;
}

/** Starts Chromium with a fresh profile and opens one page (1600×900 unless told otherwise). */
export async function openBrowser(options: { width?: number; height?: number; extraArgs?: string[] } = {}): Promise<BrowserSession> {
  const profile = await mkdtemp(join(tmpdir(), "highstate-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    args: [...chromiumArgs, ...(options.extraArgs ?? [])],
    headless: true,
    viewport: { width: options.width ?? 1600, height: options.height ?? 900 },
  });
  await context.grantPermissions(["clipboard-read", "clipboard-write"]).catch(() => undefined);
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  return {
    context,
    page,
    errors,
    async close() {
      await context.close().catch(() => undefined);
      await rm(profile, { recursive: true, force: true });
    },
  };
}
