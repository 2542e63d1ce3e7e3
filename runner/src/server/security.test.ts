import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { findDesignerAssets } from "./static-files.js";
import { admitRequest, allowedHostHeaders, createAdmissionPolicy, generateAccessToken, isLoopbackHost, parseCookies, tokensEqual } from "./security.js";

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
    for (const host of ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "app.localhost"]) expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ["0.0.0.0", "::", "10.0.0.1", "192.168.1.5", "example.com", "localhost.example.com"]) expect(isLoopbackHost(host), host).toBe(false);
  });

  test("a loopback server accepts its loopback names on its own port only; a specific address only itself", () => {
    const loopback = allowedHostHeaders("127.0.0.1", 4000);
    expect([...loopback].sort()).toEqual(["127.0.0.1:4000", "[::1]:4000", "localhost:4000"]);
    expect([...allowedHostHeaders("192.168.1.5", 4000)]).toEqual(["192.168.1.5:4000"]);
    expect(allowedHostHeaders("0.0.0.0", 4000).has("127.0.0.1:4000")).toBe(true);
  });

  test("admission checks Host, then Origin, then the token", () => {
    const policy = createAdmissionPolicy({ token: "secret-token", host: "127.0.0.1", port: 4000 });
    const base = { host: "127.0.0.1:4000", origin: undefined, authorization: "Bearer secret-token", cookie: undefined, queryToken: undefined };
    expect(admitRequest(policy, base)).toEqual({ ok: true, via: "bearer" });
    expect(admitRequest(policy, { ...base, host: "evil.example:4000" })).toMatchObject({ ok: false, refusal: { status: 421 } });
    expect(admitRequest(policy, { ...base, origin: "http://evil.example" })).toMatchObject({ ok: false, refusal: { status: 403 } });
    expect(admitRequest(policy, { ...base, authorization: undefined })).toMatchObject({ ok: false, refusal: { status: 401 } });
    expect(admitRequest(policy, { ...base, authorization: undefined, cookie: "a=b; highstate-token-4000=secret-token" })).toEqual({ ok: true, via: "cookie" });
    expect(admitRequest(policy, { ...base, authorization: undefined, queryToken: "secret-token" })).toEqual({ ok: true, via: "query" });
  });

  test("cookies parse with the first occurrence winning", () => {
    expect(parseCookies("a=1; b=2; a=3")).toEqual(new Map([["a", "1"], ["b", "2"]]));
    expect(parseCookies(undefined).size).toBe(0);
  });
});

test("the designer's built assets are found through @highstate/designer", () => {
  expect(findDesignerAssets()).toBe(join(import.meta.dirname, "..", "..", "..", "designer", "dist"));
});
