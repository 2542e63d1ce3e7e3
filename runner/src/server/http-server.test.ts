import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, onTestFinished, test } from "vitest";
import { testdir } from "../test-utils/testdir.js";
import { nextMessage, openSocket, rawRequest } from "./__fixtures__/client.js";
import { EventsHub } from "./events-hub.js";
import { sendJson } from "./http.js";
import { listenHttpServer } from "./http-server.js";
import { Router } from "./router.js";
import { StaticFiles } from "./static-files.js";

async function startServer(assetsRoot?: string) {
  const router = new Router().get("/api/ping", ({ response }) => sendJson(response, 200, { pong: true }));
  const events = new EventsHub();
  const server = await listenHttpServer({
    host: "127.0.0.1",
    port: 0,
    router,
    assets: new StaticFiles(assetsRoot),
    upgrade: (pathname, request, socket, head) => {
      if (pathname !== "/api/events") return false;
      events.handleUpgrade(request, socket, head);
      return true;
    },
  });
  onTestFinished(async () => {
    await events.close();
    await server.close();
  });
  return { server, events, port: server.port, token: server.token };
}

describe("admission", () => {
  test("a request without a token is refused with 401", async () => {
    const { port } = await startServer();
    const response = await rawRequest(port, { path: "/api/ping" });
    expect(response.status).toBe(401);
    expect(response.json()).toMatchObject({ error: { code: "unauthorized" } });
  });

  test("a wrong token is refused, and the right one counts only as a bearer token: never from a cookie or the URL", async () => {
    const { port, server } = await startServer();
    expect((await rawRequest(port, { path: "/api/ping", headers: { authorization: "Bearer nope" } })).status).toBe(401);
    // A cookie is sent to every port of a host, so the server never reads one; nor a token in the query.
    expect((await rawRequest(port, { path: "/api/ping", headers: { cookie: `highstate-token-${port}=${server.token}` } })).status).toBe(
      401,
    );
    expect((await rawRequest(port, { path: `/api/ping?token=${server.token}` })).status).toBe(401);
  });

  test("the bearer token is accepted", async () => {
    const { port, token } = await startServer();
    const response = await rawRequest(port, { path: "/api/ping", headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    expect(response.json()).toEqual({ pong: true });
  });

  test("the printed URL carries the token in its fragment, and no response sets a cookie", async () => {
    const { port, token, server } = await startServer();
    expect(server.url).toBe(`http://127.0.0.1:${port}/#token=${token}`);
    for (const path of ["/", `/?token=${token}`, "/api/ping"]) {
      const response = await rawRequest(port, { path, headers: { authorization: `Bearer ${token}` } });
      expect(response.status, path).not.toBe(303);
      expect(response.headers["set-cookie"], path).toBeUndefined();
    }
  });

  test("a Host that is not the server's own is refused even with the token (DNS rebinding)", async () => {
    const { port, token } = await startServer();
    for (const host of [`evil.example:${port}`, `127.0.0.1:${port + 1}`, "127.0.0.1"]) {
      const response = await rawRequest(port, { path: "/api/ping", headers: { host, authorization: `Bearer ${token}` } });
      expect(response.status, host).toBe(421);
    }
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `LOCALHOST:${port}`]) {
      const response = await rawRequest(port, { path: "/api/ping", headers: { host, authorization: `Bearer ${token}` } });
      expect(response.status, host).toBe(200);
    }
  });

  test("a foreign Origin is refused on HTTP even with the token", async () => {
    const { port, token } = await startServer();
    for (const origin of ["http://evil.example", `http://127.0.0.1:${port + 1}`, `https://127.0.0.1:${port}`, "null"]) {
      const response = await rawRequest(port, { method: "POST", path: "/api/ping", headers: { origin, authorization: `Bearer ${token}` } });
      expect(response.status, origin).toBe(403);
      expect(response.json()).toMatchObject({ error: { code: "forbidden" } });
    }
    const own = await rawRequest(port, {
      path: "/api/ping",
      headers: { origin: `http://localhost:${port}`, authorization: `Bearer ${token}` },
    });
    expect(own.status).toBe(200);
  });

  test("WebSocket upgrades need the token, the own Host and the own Origin", async () => {
    const { port, token, events } = await startServer();
    await expect(openSocket(port, "/api/events")).rejects.toThrow("status 401");
    await expect(openSocket(port, "/api/events", { authorization: `Bearer ${token}`, origin: "http://evil.example" })).rejects.toThrow(
      "status 403",
    );
    await expect(openSocket(port, "/api/events", { authorization: `Bearer ${token}`, host: `evil.example:${port}` })).rejects.toThrow(
      "status 421",
    );
    await expect(openSocket(port, "/api/nothing", { authorization: `Bearer ${token}` })).rejects.toThrow("status 404");
    // A cookie does not open a socket; the token as a subprotocol entry does, and only the API protocol is echoed.
    await expect(
      openSocket(port, "/api/events", { cookie: `highstate-token-${port}=${token}`, origin: `http://127.0.0.1:${port}` }),
    ).rejects.toThrow("status 401");
    await expect(
      openSocket(port, "/api/events", { origin: `http://127.0.0.1:${port}` }, ["highstate.v1", "highstate.token.wrong"]),
    ).rejects.toThrow("status 401");
    const ws = await openSocket(port, "/api/events", { origin: `http://127.0.0.1:${port}` }, ["highstate.v1", `highstate.token.${token}`]);
    expect(ws.protocol).toBe("highstate.v1");
    const hello = await nextMessage<{ type: string }>(ws, (message) => message.type === "hello");
    expect(hello.type).toBe("hello");
    const received = nextMessage<{ type: string; project?: string }>(ws, (message) => message.type === "project-changed");
    events.broadcast({ type: "project-changed", project: "demo", revision: 3 });
    expect(await received).toEqual({ type: "project-changed", project: "demo", revision: 3 });
    ws.close();
  });
});

describe("responses", () => {
  test("API responses carry no-referrer, nosniff, a CSP and no-store", async () => {
    const { port, token } = await startServer();
    const response = await rawRequest(port, { path: "/api/ping", headers: { authorization: `Bearer ${token}` } });
    expect(response.headers["referrer-policy"]).toBe("no-referrer");
    expect(response.headers["x-content-type-options"]).toBe("nosniff");
    expect(response.headers["content-security-policy"]).toContain("default-src 'none'");
    expect(response.headers["cache-control"]).toBe("no-store");
  });

  test("unknown API routes get 404 and wrong methods 405, as ApiError bodies", async () => {
    const { port, token } = await startServer();
    const missing = await rawRequest(port, { path: "/api/nothing", headers: { authorization: `Bearer ${token}` } });
    expect(missing.status).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: "not-found" } });
    const wrongMethod = await rawRequest(port, { method: "DELETE", path: "/api/ping", headers: { authorization: `Bearer ${token}` } });
    expect(wrongMethod.status).toBe(405);
  });

  test("the app is served with its CSP; unknown page paths get index.html; traversal is refused", async () => {
    const dist = await testdir({ "index.html": "<!doctype html><title>Highstate</title>", "assets/app-1234.js": "console.log(1)" });
    await mkdir(join(dist, "..", "outside"), { recursive: true });
    await writeFile(join(dist, "..", "secret.txt"), "secret");
    const { port, token } = await startServer(dist);
    const auth = { authorization: `Bearer ${token}` };
    const index = await rawRequest(port, { path: "/", headers: auth });
    expect(index.status).toBe(200);
    expect(index.text).toContain("<title>Highstate</title>");
    expect(index.headers["content-security-policy"]).toContain("script-src 'self'");
    expect(index.headers["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(index.headers["referrer-policy"]).toBe("no-referrer");
    const deep = await rawRequest(port, { path: "/projects/demo", headers: auth });
    expect(deep.text).toContain("<title>Highstate</title>");
    const asset = await rawRequest(port, { path: "/assets/app-1234.js", headers: auth });
    expect(asset.headers["content-type"]).toContain("text/javascript");
    expect(asset.headers["cache-control"]).toContain("immutable");
    expect((await rawRequest(port, { path: "/assets/missing.js", headers: auth })).status).toBe(404);
    // The public build loads without the token (the page reads it from its URL fragment), under the
    // same Host and Origin rules; the API does not.
    expect((await rawRequest(port, { path: "/projects/demo" })).status).toBe(200);
    expect((await rawRequest(port, { path: "/", headers: { host: `evil.example:${port}` } })).status).toBe(421);
    expect((await rawRequest(port, { path: "/", headers: { origin: `http://127.0.0.1:${port + 1}` } })).status).toBe(403);
    for (const path of ["/../secret.txt", "/%2e%2e/secret.txt", "/assets/..%2f..%2fsecret.txt"]) {
      const response = await rawRequest(port, { path, headers: auth });
      expect(response.text, path).not.toContain("secret");
    }
  });

  test("close() releases the port", async () => {
    const { server, port } = await startServer();
    await server.close();
    await expect(rawRequest(port, { path: "/api/ping" })).rejects.toThrow();
  });
});
