/**
 * End to end for terminals and pages: Debian's Chromium drives the built designer served by the real
 * designer server (in this process, fake engine) on a temp workspace with @highstate/common linked in.
 * The Existing Server's outputs offer an SSH terminal to a real sshd on loopback, a local terminal and
 * a page; the test opens them from the card, types commands and reads the answers from the xterm
 * screen, resizes, pastes, and downloads the page's file.
 */
import { readFile } from "node:fs/promises";
import type { ProjectSnapshot } from "@highstate/project/api";
import { sshdUnavailableReason, startTestSshd, type TestSshd } from "@highstate/test-support/sshd";
import type { Page as BrowserPage } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ApiClient } from "../../runner/src/server/__fixtures__/client.ts";
import { type DesignerServer, startDesignerServer } from "../../runner/src/server/designer-server.ts";
import { FakeEngine } from "../../runner/src/testing/index.ts";
import { type BrowserSession, chromiumPath, openBrowser } from "./support/browser.ts";
import { createWorkspace, ensureE2eBuilt } from "./support/designer-process.ts";

const webId = "common.existing-server.v1:web";
const wireguardConfig = "[Interface]\nPrivateKey = e2e-private-key\nAddress = 10.8.0.2/32\n";
const unavailable =
  sshdUnavailableReason() ??
  (chromiumPath.startsWith("/") && !(await import("node:fs")).existsSync(chromiumPath) ? `${chromiumPath} is missing` : undefined);
if (unavailable) console.warn(`Skipping the terminal end-to-end test: ${unavailable}`);

let workspace: { dir: string; remove: () => Promise<void> };
let sshd: TestSshd;
let server: DesignerServer;
let browser: BrowserSession;

/** The visible text of one xterm screen (the DOM renderer's rows). */
function screenText(page: BrowserPage, terminal: string): Promise<string> {
  // biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText keeps the line breaks between rows
  return page.locator(`[data-terminal="${terminal}"] .xterm-rows`).innerText();
}

/** The status line of one terminal panel. */
function terminalStatus(page: BrowserPage, terminal: string) {
  return page.locator(".terminal-panel", { has: page.locator(`[data-terminal="${terminal}"]`) }).locator(".terminal-status");
}

beforeAll(async () => {
  if (unavailable) return;
  await ensureE2eBuilt();
  sshd = await startTestSshd();
  const strangerKey = await sshd.generateKeyPair();
  workspace = await createWorkspace();
  const engine = new FakeEngine({
    defaultBehavior: { resourceCount: 2 },
    behaviors: {
      [webId]: {
        resourceCount: 3,
        outputs: {
          server: { value: { hostname: "web", endpoints: [sshd.host] }, secret: false },
          $terminals: {
            value: [
              { ...sshd.sshTerminal("shell"), title: "Shell" },
              { ...sshd.sshTerminal("stranger", strangerKey.privateKey), title: "Stranger" },
              {
                type: "local",
                name: "kubectl",
                title: "kubectl",
                command: ["/bin/sh"],
                env: { KUBECONFIG: `\${file:kubeconfig}` },
                files: [{ name: "kubeconfig", content: "kind: Config\n" }],
              },
            ],
            secret: true,
          },
          $pages: {
            value: [
              {
                name: "client",
                title: "WireGuard client",
                blocks: [
                  {
                    type: "markdown",
                    content:
                      '# Connect\n\nImport **wg0.conf** into the app. <img src=x onerror="window.__injected = true">\n\n[docs](https://example.com/docs)',
                  },
                  { type: "file", name: "wg0.conf", content: wireguardConfig, contentType: "text/plain", secret: true },
                  { type: "qr", title: "Scan with the app", content: wireguardConfig, secret: false },
                ],
              },
            ],
            secret: false,
          },
        },
      },
    },
  });
  server = await startDesignerServer({ workspace: workspace.dir, port: 0, engine });
  const api = new ApiClient(server.port, server.token);
  const created = await api.request("POST", "/api/projects", { name: "lab", password: "correct horse battery" });
  expect(created.status, created.text).toBe(201);
  const revision = created.json<ProjectSnapshot>().revision;
  const added = await api.request("POST", "/api/projects/lab/mutations", {
    revision,
    mutations: [
      { op: "add-instance", type: "common.existing-server.v1", name: "web", args: { endpoint: sshd.host }, position: { x: 0, y: 0 } },
    ],
  });
  expect(added.status, added.text).toBe(200);
  const started = await api.request("POST", "/api/projects/lab/operations", { type: "up", instanceIds: [webId] });
  expect(started.status, started.text).toBe(202);
  for (
    let waited = 0;
    (await api.request("GET", "/api/projects/lab")).json<ProjectSnapshot>().statuses[webId]?.state !== "created";
    waited += 100
  ) {
    if (waited > 30_000) throw new Error(`"${webId}" was not created within 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  browser = await openBrowser({ width: 1400, height: 900 });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close({ force: true });
  await sshd?.stop();
  await workspace?.remove();
});

describe.skipIf(unavailable !== undefined)("terminals and pages in the designer", () => {
  test("opens the SSH terminal from the Existing Server card, types a command and reads the answer", async () => {
    const { page } = browser;
    await page.goto(`${server.url}#/projects/lab`);
    await page.getByRole("button", { name: "Terminal of web" }).click();
    // The instance offers several terminals: the chooser lists them.
    await page.getByRole("dialog", { name: "Open a terminal" }).getByRole("button", { name: "Shell", exact: true }).click();
    const shell = `${webId}:shell`;
    await expect.poll(() => terminalStatus(page, shell).getAttribute("data-phase"), { timeout: 15_000 }).toBe("open");
    await page.locator(`[data-terminal="${shell}"]`).click();
    await page.keyboard.type("echo from-the-browser-$((6*7))");
    await page.keyboard.press("Enter");
    await expect.poll(() => screenText(page, shell), { timeout: 10_000 }).toContain("from-the-browser-42");

    // The remote PTY has the size xterm shows, also after the dock is made taller.
    const size = async () => {
      await page.keyboard.type("stty size");
      await page.keyboard.press("Enter");
      await expect.poll(() => screenText(page, shell)).toMatch(/\n\d+ \d+\s*\n/);
      const [rows, cols] = (await screenText(page, shell))
        .match(/\n(\d+) (\d+)\s*\n(?![\s\S]*\n\d+ \d+\s*\n)/)!
        .slice(1)
        .map(Number);
      return { rows, cols };
    };
    const before = await size();
    const geometry = async () =>
      page
        .locator(`[data-terminal="${shell}"]`)
        .evaluate((element) => ({ cols: Number(element.getAttribute("data-cols")), rows: Number(element.getAttribute("data-rows")) }));
    expect(before).toEqual(await geometry());
    await page.keyboard.type("clear");
    await page.keyboard.press("Enter");
    const resizer = page.getByRole("separator", { name: "Resize panels" });
    const box = (await resizer.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2, box.y - 200, { steps: 5 });
    await page.mouse.up();
    await expect.poll(async () => (await geometry()).rows).toBeGreaterThan(before.rows!);
    await page.locator(`[data-terminal="${shell}"]`).click();
    expect(await size()).toEqual(await geometry());

    // Paste from the clipboard with the Paste button.
    await page.evaluate(() => navigator.clipboard.writeText("echo pasted-$((1+2))"));
    await page.getByRole("button", { name: "Paste", exact: true }).click();
    await expect.poll(() => screenText(page, shell)).toContain("echo pasted-$((1+2))");
    // The paste gave the focus back to the terminal, so Enter runs the pasted line.
    await expect.poll(() => page.evaluate(() => document.activeElement?.classList.contains("xterm-helper-textarea"))).toBe(true);
    await page.keyboard.press("Enter");
    await expect.poll(() => screenText(page, shell)).toContain("pasted-3");
  });

  test("keeps several terminals open as tabs", async () => {
    const { page } = browser;
    await page.getByRole("button", { name: "Terminal of web" }).click();
    await page.getByRole("dialog", { name: "Open a terminal" }).getByRole("button", { name: "kubectl", exact: true }).click();
    const kubectl = `${webId}:kubectl`;
    await expect.poll(() => page.locator(`[data-terminal="${kubectl}"]`).count()).toBe(1);
    await expect.poll(() => terminalStatus(page, kubectl).getAttribute("data-phase")).toBe("open");
    await page.locator(`[data-terminal="${kubectl}"]`).click();
    await page.keyboard.type('stat -c "mode=%a" "$KUBECONFIG"; cat "$KUBECONFIG"');
    await page.keyboard.press("Enter");
    await expect.poll(() => screenText(page, kubectl)).toContain("mode=600");
    // `cat` prints after `stat`: on a busy machine its lines may reach the screen a moment later.
    await expect.poll(() => screenText(page, kubectl)).toContain("kind: Config");

    // When the shell exits the panel says so and can start a new session.
    await page.keyboard.type("exit 4");
    await page.keyboard.press("Enter");
    await expect.poll(() => terminalStatus(page, kubectl).textContent()).toBe("Exited with code 4");
    await page.getByRole("button", { name: "Reconnect" }).click();
    await expect.poll(() => terminalStatus(page, kubectl).getAttribute("data-phase")).toBe("open");
    await page.locator(`[data-terminal="${kubectl}"]`).click();
    await page.keyboard.type("echo again-$((5+5))");
    await page.keyboard.press("Enter");
    await expect.poll(() => screenText(page, kubectl)).toContain("again-10");

    // Back to the SSH tab: its session and screen are still there.
    await page.getByRole("tab", { name: /Shell/ }).click();
    const shell = `${webId}:shell`;
    expect(await screenText(page, shell)).toContain("pasted-3");
    await page.locator(`[data-terminal="${shell}"]`).click();
    await page.keyboard.type("echo still-connected");
    await page.keyboard.press("Enter");
    await expect.poll(() => screenText(page, shell)).toContain("still-connected\n");
    await page.getByRole("button", { name: /Close .*Shell/ }).click();
    await page.getByRole("button", { name: /Close .*kubectl/ }).click();
    await expect.poll(() => page.locator("[data-terminal]").count()).toBe(0);
  });

  test("says why a terminal could not be opened", async () => {
    const { page } = browser;
    await page.getByRole("button", { name: "Terminal of web" }).click();
    await page.getByRole("dialog", { name: "Open a terminal" }).getByRole("button", { name: "Stranger", exact: true }).click();
    const stranger = `${webId}:stranger`;
    await expect.poll(() => terminalStatus(page, stranger).getAttribute("data-phase"), { timeout: 15_000 }).toBe("failed");
    expect(await terminalStatus(page, stranger).textContent()).toBe(
      `SSH server "${sshd.host}:${sshd.port}" refused user "${sshd.user}" with the private key. Check the instance's SSH key pair or password and that the key is in the server's authorized_keys.`,
    );
    await page.getByRole("button", { name: /Close .*Stranger/ }).click();
  });

  test("shows the page: safe markdown, a downloadable secret file and a QR code", async () => {
    const { page, errors } = browser;
    await page.getByRole("button", { name: "Page of web" }).click();
    const article = page.getByRole("article", { name: "WireGuard client" });
    await article.getByRole("heading", { name: "Connect" }).waitFor();
    await expect.poll(() => article.locator(".page-markdown strong", { hasText: "wg0.conf" }).count()).toBe(1);
    // Raw HTML is shown as text, never rendered.
    expect(await article.locator(".page-markdown img").count()).toBe(0);
    expect(await article.locator(".page-markdown").textContent()).toContain("<img src=x");
    expect(await page.evaluate(() => (window as { __injected?: boolean }).__injected)).toBeUndefined();
    expect(await article.getByRole("link", { name: "docs" }).getAttribute("rel")).toBe("noopener noreferrer");

    // The secret file is covered until shown, and downloads as a Blob.
    const file = article.getByRole("region", { name: "File wg0.conf" });
    expect(await file.locator("pre").count()).toBe(0);
    await file.getByRole("button", { name: "Show" }).click();
    expect(await file.locator("pre").textContent()).toContain("PrivateKey = e2e-private-key");
    const [download] = await Promise.all([page.waitForEvent("download"), file.getByRole("button", { name: "Download" }).click()]);
    expect(download.suggestedFilename()).toBe("wg0.conf");
    expect(await readFile((await download.path())!, "utf8")).toBe(wireguardConfig);

    // The QR code is drawn on a canvas with dark and light modules.
    const canvas = article.locator("canvas.page-qr-canvas");
    await canvas.waitFor();
    const colours = await canvas.evaluate((element: HTMLCanvasElement) => {
      const data = element.getContext("2d")!.getImageData(0, 0, element.width, element.height).data;
      let dark = 0;
      let light = 0;
      for (let index = 0; index < data.length; index += 4) data[index]! < 128 ? dark++ : light++;
      return { dark, light, width: element.width };
    });
    expect(colours.width).toBeGreaterThanOrEqual(200);
    expect(colours.dark).toBeGreaterThan(colours.width * 10);
    expect(colours.light).toBeGreaterThan(colours.width * 10);
    // The only console errors are the browser's notes on the refused "Stranger" session (HTTP 502).
    expect(errors.filter((error) => !error.includes("status of 502"))).toEqual([]);
  });
});
