import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StaticFiles } from "./static-files.js";

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "highstate-static-"));
  await mkdir(join(dir, "assets"));
  await writeFile(join(dir, "index.html"), "<!doctype html><title>designer</title>");
  await writeFile(join(dir, "assets", "app.js"), "console.log('app');");
  await writeFile(join(tmpdir(), "highstate-static-outside.js"), "secret");
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await rm(join(tmpdir(), "highstate-static-outside.js"), { force: true });
});

async function get(files: StaticFiles, path: string): Promise<{ status: number; body: string }> {
  const server: Server = createServer(
    (request, response) => void files.serve(new URL(request.url!, "http://x").pathname, "127.0.0.1", response),
  );
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  try {
    const { port } = server.address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}${path}`);
    return { status: response.status, body: await response.text() };
  } finally {
    await new Promise<void>((done) => server.close(() => done()));
  }
}

describe("StaticFiles", () => {
  it.each([
    ["without", () => dir],
    ["with", () => `${dir}/`],
  ])("serves the assets of a folder given %s a trailing slash", async (_, root) => {
    const files = new StaticFiles(root());
    expect(await get(files, "/assets/app.js")).toEqual({ status: 200, body: "console.log('app');" });
    expect((await get(files, "/projects/lab")).body).toContain("<title>designer</title>");
    expect((await get(files, "/assets/missing.js")).status).toBe(404);
    expect((await get(files, "/..%2fhighstate-static-outside.js")).status).toBe(404);
  });
});
