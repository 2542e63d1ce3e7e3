import { once } from "node:events";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../cli/__fixtures__/cli-harness.js";
import { testdir } from "../test-utils/testdir.js";
import { checkPackageUpdates, compareVersions, inRange, parseNpmrc, updateCommand } from "./package-updates.js";

/** A fake npm registry: the packuments' `dist-tags`, and every request it got. */
let server: Server;
let registry: string;
const requests: Array<{ url: string; authorization?: string; accept?: string }> = [];
const latest: Record<string, string> = {
  "@highstate/common": "0.1.2",
  "@highstate/k3s": "0.2.0",
  "@highstate/runner": "0.1.0",
};

/** A server that accepts connections and never answers (a registry behind a dead proxy). */
let silent: Server;
let silentUrl: string;

async function listen(target: Server): Promise<string> {
  target.listen(0, "127.0.0.1");
  await once(target, "listening");
  return `http://127.0.0.1:${(target.address() as AddressInfo).port}/`;
}

beforeAll(async () => {
  server = createServer((request: IncomingMessage, response) => {
    requests.push({ url: request.url ?? "", authorization: request.headers.authorization, accept: request.headers.accept });
    const name = decodeURIComponent((request.url ?? "").slice(1));
    if (request.headers.authorization !== undefined && request.headers.authorization !== "Bearer s3cret") {
      response.writeHead(401).end();
      return;
    }
    const version = latest[name];
    if (!version) {
      response.writeHead(404, { "content-type": "application/json" }).end('{"error":"Not found"}');
      return;
    }
    response
      .writeHead(200, { "content-type": "application/vnd.npm.install-v1+json" })
      .end(JSON.stringify({ name, "dist-tags": { latest: version }, versions: { [version]: {} } }));
  });
  registry = await listen(server);
  silent = createServer(() => {
    // Never answers.
  });
  silentUrl = await listen(silent);
});

afterAll(() => {
  server.closeAllConnections();
  server.close();
  silent.closeAllConnections();
  silent.close();
});

/** A workspace with @highstate/common, k3s and runner 0.1.0 installed (and zod, which is not ours). */
async function workspace(files: Record<string, string> = {}): Promise<string> {
  const manifest = (name: string, version: string) => JSON.stringify({ name, version });
  return testdir({
    "package.json": JSON.stringify({
      name: "infra",
      private: true,
      dependencies: { "@highstate/common": "^0.1.0", "@highstate/k3s": "^0.1.0", "@highstate/runner": "^0.1.0", zod: "^4.0.0" },
    }),
    "package-lock.json": '{ "lockfileVersion": 3 }\n',
    "Pulumi.yaml": "name: infra\nruntime: nodejs\n",
    "node_modules/@highstate/common/package.json": manifest("@highstate/common", "0.1.0"),
    "node_modules/@highstate/k3s/package.json": manifest("@highstate/k3s", "0.1.0"),
    "node_modules/@highstate/runner/package.json": manifest("@highstate/runner", "0.1.0"),
    "node_modules/zod/package.json": manifest("zod", "4.0.0"),
    ...files,
  });
}

/** Settings that keep the machine's own npmrc files out of the test. */
const isolated = (extra: Record<string, string> = {}) => ({
  npm_config_userconfig: "/nonexistent/.npmrc",
  npm_config_globalconfig: "/nonexistent/npmrc",
  ...extra,
});

describe("versions and ranges", () => {
  it("orders versions as semver does", () => {
    expect(compareVersions("0.1.10", "0.1.9")).toBeGreaterThan(0);
    expect(compareVersions("1.0.0-rc.2", "1.0.0")).toBeLessThan(0);
    expect(compareVersions("1.0.0-rc.10", "1.0.0-rc.2")).toBeGreaterThan(0);
    expect(compareVersions("2.0.0", "2.0.0")).toBe(0);
  });

  it.each([
    ["^0.1.0", "0.1.5", true],
    ["^0.1.0", "0.2.0", false],
    ["^1.2.0", "1.9.0", true],
    ["^1.2.0", "2.0.0", false],
    ["^1.2.0", "1.1.0", false],
    ["^0.0.3", "0.0.4", false],
    ["~1.2.0", "1.2.9", true],
    ["~1.2.0", "1.3.0", false],
    ["1.2.3", "1.2.4", false],
    ["1.2", "1.2.9", true],
    [">=1.0.0", "3.0.0", true],
    ["*", "9.9.9", true],
  ])("%s contains %s: %s", (range, version, expected) => {
    expect(inRange(range, version)).toBe(expected);
  });

  it("reads npmrc lines with comments, quotes and environment variables", () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: npmrc's own variable syntax, expanded by the parser
    const settings = parseNpmrc('; comment\n# another\nregistry = "http://r.example/"\n//r.example/:_authToken=${TOKEN}\n', {
      TOKEN: "t0k",
    });
    expect([...settings]).toEqual([
      ["registry", "http://r.example/"],
      ["//r.example/:_authToken", "t0k"],
    ]);
  });

  it("words the update command for npm, Yarn and pnpm", () => {
    const update = (name: string, range: boolean) => ({
      name,
      installed: "0.1.0",
      latest: range ? "0.1.1" : "0.2.0",
      range: "^0.1.0",
      inRange: range,
    });
    expect(updateCommand("npm", [update("@highstate/common", true)])).toBe("npm update @highstate/common");
    expect(updateCommand(undefined, [update("@highstate/common", true), update("@highstate/k3s", false)])).toBe(
      "npm update @highstate/common && npm install @highstate/k3s@^0.2.0",
    );
    expect(updateCommand("yarn", [update("@highstate/common", true)])).toBe("yarn up '@highstate/*'");
    expect(updateCommand("yarn", [update("@highstate/k3s", false)])).toBe("yarn up @highstate/k3s@^0.2.0");
    expect(updateCommand("pnpm", [update("@highstate/common", true)])).toBe("pnpm update '@highstate/*'");
    expect(updateCommand("npm", [])).toBeUndefined();
  });
});

describe("checkPackageUpdates", () => {
  it("asks the registry of the workspace's .npmrc (scope entry, auth token) about each @highstate dependency", async () => {
    const host = registry.replace(/^http:/, "");
    const dir = await workspace({
      ".npmrc": `registry=http://127.0.0.1:9/\n@highstate:registry=${registry}\n${host}:_authToken=\${TOKEN}\n`,
    });
    requests.length = 0;
    const report = await checkPackageUpdates(dir, { env: isolated({ TOKEN: "s3cret" }) });
    expect(report).toEqual({
      registry,
      checked: 3,
      behind: [
        { name: "@highstate/common", range: "^0.1.0", installed: "0.1.0", latest: "0.1.2", inRange: true },
        { name: "@highstate/k3s", range: "^0.1.0", installed: "0.1.0", latest: "0.2.0", inRange: false },
      ],
      command: "npm update @highstate/common && npm install @highstate/k3s@^0.2.0",
    });
    expect(requests.map((request) => request.url).sort()).toEqual(["/@highstate%2fcommon", "/@highstate%2fk3s", "/@highstate%2frunner"]);
    expect(requests.every((request) => request.authorization === "Bearer s3cret")).toBe(true);
    expect(requests[0]!.accept).toContain("application/vnd.npm.install-v1+json");
  });

  it("takes npm_config_registry from the environment over the workspace's .npmrc", async () => {
    const dir = await workspace({ ".npmrc": "registry=http://127.0.0.1:9/\n" });
    const report = await checkPackageUpdates(dir, { env: isolated({ npm_config_registry: registry.slice(0, -1) }) });
    expect(report?.registry).toBe(registry);
    expect(report?.behind.map((update) => update.name)).toEqual(["@highstate/common", "@highstate/k3s"]);
  });

  it("uses .yarnrc.yml's scope registry in a Yarn 4 workspace and words `yarn up`", async () => {
    const dir = await workspace({
      "package.json": JSON.stringify({ name: "infra", private: true, dependencies: { "@highstate/common": "^0.1.0" } }),
      "package-lock.json": "",
      "yarn.lock": '__metadata:\n  version: 8\n  cacheKey: 10c0\n\n"@highstate/common@npm:^0.1.0":\n  version: 0.1.0\n',
      ".yarnrc.yml": `nodeLinker: node-modules\nnpmScopes:\n  highstate:\n    npmRegistryServer: "${registry}"\n`,
    });
    const report = await checkPackageUpdates(dir, { env: isolated() });
    expect(report).toMatchObject({ registry, checked: 1, command: "yarn up '@highstate/*'" });
  });

  it("is silent when the registry refuses connections, never answers, or knows none of the packages", async () => {
    const dir = await workspace();
    expect(await checkPackageUpdates(dir, { env: isolated({ npm_config_registry: "http://127.0.0.1:9/" }) })).toBeUndefined();
    expect(await checkPackageUpdates(dir, { env: isolated({ npm_config_registry: silentUrl }), timeoutMs: 300 })).toBeUndefined();
    const unknown = await workspace({
      "package.json": JSON.stringify({ name: "infra", private: true, dependencies: { "@highstate/talos": "^0.1.0" } }),
      "node_modules/@highstate/talos/package.json": JSON.stringify({ name: "@highstate/talos", version: "0.1.0" }),
    });
    expect(await checkPackageUpdates(unknown, { env: isolated({ npm_config_registry: registry }) })).toBeUndefined();
  });
});

describe("highstate doctor", () => {
  it("lists the packages behind the registry with the command to update them, and --offline does not ask", async () => {
    const dir = await workspace();
    const env = isolated({ npm_config_registry: registry, PATH: process.env.PATH ?? "" });
    const human = await runCli(["doctor"], { cwd: dir, env });
    expect(human.stdout).toContain(
      `[warn] updates: 2 @highstate packages are behind ${registry}: @highstate/common 0.1.0 → 0.1.2, @highstate/k3s 0.1.0 → 0.2.0`,
    );
    expect(human.stdout).toContain("→ update with `npm update @highstate/common && npm install @highstate/k3s@^0.2.0`");
    const json = JSON.parse((await runCli(["doctor", "--json"], { cwd: dir, env })).stdout) as {
      checks: Array<{ name: string; status: string }>;
      updates: Array<{ name: string; latest: string }>;
    };
    expect(json.updates.map((update) => [update.name, update.latest])).toEqual([
      ["@highstate/common", "0.1.2"],
      ["@highstate/k3s", "0.2.0"],
    ]);
    expect(json.checks.find((check) => check.name === "updates")?.status).toBe("warning");

    requests.length = 0;
    const offline = await runCli(["doctor", "--offline"], { cwd: dir, env });
    const npmOffline = await runCli(["doctor"], { cwd: dir, env: { ...env, npm_config_offline: "true" } });
    expect(requests).toEqual([]);
    for (const run of [offline, npmOffline]) expect(run.stdout).not.toContain("updates:");
  });

  it("says nothing about updates when the registry cannot be reached", async () => {
    const dir = await workspace();
    const run = await runCli(["doctor", "--json"], {
      cwd: dir,
      env: isolated({ npm_config_registry: "http://127.0.0.1:9/", PATH: process.env.PATH ?? "" }),
    });
    const report = JSON.parse(run.stdout) as { checks: Array<{ name: string }>; updates?: unknown };
    expect(report.checks.map((check) => check.name)).not.toContain("updates");
    expect(report.updates).toBeUndefined();
  });

  it("reports an up-to-date workspace as ok", async () => {
    const dir = await workspace({
      "package.json": JSON.stringify({ name: "infra", private: true, dependencies: { "@highstate/runner": "^0.1.0" } }),
    });
    const run = await runCli(["doctor"], { cwd: dir, env: isolated({ npm_config_registry: registry, PATH: process.env.PATH ?? "" }) });
    expect(run.stdout).toContain(`[ok  ] updates: the 1 installed @highstate package is the newest on ${registry}`);
  });
});
