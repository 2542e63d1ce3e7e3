import { join } from "node:path";
import { describe, expect, test } from "vitest";
import {
  admitRequest,
  allowedHostHeaders,
  createAdmissionPolicy,
  generateAccessToken,
  isLoopbackHost,
  selectApiProtocol,
  tokensEqual,
  webSocketProtocolToken,
} from "./security.js";
import { findDesignerAssets } from "./static-files.js";

describe("tokens", () => {
  test("tokens are 256-bit base64url and never repeat", () => {
    const tokens = new Set(Array.from({ length: 100 }, () => generateAccessToken()));
    expect(tokens.size).toBe(100);
    for (const token of tokens) expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  test("comparison is exact, also across lengths and for missing tokens", () => {
    const token = generateAccessToken();
    expect(tokensEqual(token, token)).toBe(true);
    expect(tokensEqual(`${token}x`, token)).toBe(false);
    expect(tokensEqual(token.slice(0, -1), token)).toBe(false);
    expect(tokensEqual("", token)).toBe(false);
    expect(tokensEqual(undefined, token)).toBe(false);
  });
});

describe("hosts", () => {
  test("loopback addresses and names", () => {
    for (const host of ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "app.localhost"])
      expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ["0.0.0.0", "::", "10.0.0.1", "192.168.1.5", "example.com", "localhost.example.com"])
      expect(isLoopbackHost(host), host).toBe(false);
  });

  test("a loopback server accepts its loopback names on its own port only; a specific address only itself", () => {
    const loopback = allowedHostHeaders("127.0.0.1", 4000);
    expect([...loopback].sort()).toEqual(["127.0.0.1:4000", "[::1]:4000", "localhost:4000"]);
    expect([...allowedHostHeaders("192.168.1.5", 4000)]).toEqual(["192.168.1.5:4000"]);
    expect(allowedHostHeaders("0.0.0.0", 4000).has("127.0.0.1:4000")).toBe(true);
  });

  test("admission checks Host, then Origin, then the token", () => {
    const policy = createAdmissionPolicy({ token: "secret-token", host: "127.0.0.1", port: 4000 });
    const base = { host: "127.0.0.1:4000", origin: undefined, authorization: "Bearer secret-token" };
    expect(admitRequest(policy, base)).toEqual({ ok: true, via: "bearer" });
    expect(admitRequest(policy, { ...base, host: "evil.example:4000" })).toMatchObject({ ok: false, refusal: { status: 421 } });
    expect(admitRequest(policy, { ...base, origin: "http://evil.example" })).toMatchObject({ ok: false, refusal: { status: 403 } });
    expect(admitRequest(policy, { ...base, authorization: undefined })).toMatchObject({ ok: false, refusal: { status: 401 } });
    const protocols = "highstate.v1, highstate.token.secret-token";
    expect(admitRequest(policy, { ...base, authorization: undefined, webSocketProtocols: protocols })).toEqual({
      ok: true,
      via: "websocket-protocol",
    });
    expect(
      admitRequest(policy, { ...base, authorization: undefined, webSocketProtocols: "highstate.v1, highstate.token.wrong" }),
    ).toMatchObject({
      ok: false,
      refusal: { status: 401 },
    });
    // The app's static files need no token, but Host and Origin still apply.
    expect(admitRequest(policy, { ...base, authorization: undefined }, false)).toEqual({ ok: true, via: "none" });
    expect(admitRequest(policy, { ...base, authorization: undefined, origin: "http://127.0.0.1:4001" }, false)).toMatchObject({
      ok: false,
      refusal: { status: 403 },
    });
    expect(admitRequest(policy, { ...base, authorization: undefined, host: "evil.example:4000" }, false)).toMatchObject({
      ok: false,
      refusal: { status: 421 },
    });
  });

  test("the WebSocket token travels as a subprotocol entry that is never selected", () => {
    expect(webSocketProtocolToken("highstate.v1, highstate.token.abc_-1")).toBe("abc_-1");
    expect(webSocketProtocolToken("highstate.v1")).toBeUndefined();
    expect(webSocketProtocolToken(undefined)).toBeUndefined();
    expect(selectApiProtocol(new Set(["highstate.token.abc", "highstate.v1"]))).toBe("highstate.v1");
    expect(selectApiProtocol(new Set(["highstate.token.abc"]))).toBe(false);
  });
});

test("the designer's built assets are found through @highstate/designer", () => {
  expect(findDesignerAssets()).toBe(join(import.meta.dirname, "..", "..", "..", "designer", "dist"));
});
