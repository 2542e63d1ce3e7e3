import { createRequire } from "node:module";
import type * as pulumi from "@pulumi/pulumi";
import { afterEach, describe, expect, test, vi } from "vitest";
import { scenarios } from "./__fixtures__/scenarios.js";
import { type DynamicProvider, toResourceProvider } from "./dynamic.js";
import { testUnit } from "./test/index.js";

const recordType = "pulumi-nodejs:dynamic/test:DnsRecord";
const scenario = scenarios.find((candidate) => candidate.title.startsWith("dynamic"))!;
const apiToken = "api-token-0123456789";

/** Loads serialized provider text the way Pulumi's provider host does (a CommonJS module exporting `handler`). */
function loadSerializedProvider(text: string): pulumi.dynamic.ResourceProvider {
  const module = { exports: {} as { handler: () => pulumi.dynamic.ResourceProvider } };
  new Function("exports", "require", "module", "__filename", "__dirname", text)(
    module.exports,
    createRequire(import.meta.url),
    module,
    "",
    "",
  );
  return module.exports.handler();
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("a dynamic resource with secret credentials", () => {
  test("passes the credentials as a secret input and keeps them out of the serialized provider", async () => {
    const result = await testUnit(await scenario.load(), scenario.options);
    const record = result.resource(recordType);
    expect(record.inputs.credentials).toEqual({ apiToken });
    expect(record.secretInputs).toContain("credentials");
    const providerText = record.inputs.__provider as string;
    expect(providerText).toContain("exports.handler");
    expect(providerText).not.toContain(apiToken);
  });

  test("the serialized provider runs on its own and uses the credentials it is given", async () => {
    const result = await testUnit(await scenario.load(), scenario.options);
    const record = result.resource(recordType);
    const provider = loadSerializedProvider(record.inputs.__provider as string);
    const requests: Array<{ url: string; method: string; authorization: string | null; body: unknown }> = [];
    vi.stubGlobal("fetch", async (url: string, init: RequestInit) => {
      requests.push({
        url,
        method: init.method ?? "GET",
        authorization: new Headers(init.headers).get("authorization"),
        body: init.body ? JSON.parse(String(init.body)) : undefined,
      });
      return new Response(JSON.stringify({ id: "rec-42", fqdn: "verify.example.com" }), { status: 200 });
    });
    const props = { inputs: record.inputs.inputs, credentials: record.inputs.credentials };
    const created = await provider.create(props);
    expect(created.id).toBe("rec-42");
    expect(created.outs).toEqual({ ...props, outputs: { recordId: "rec-42", fqdn: "verify.example.com" } });
    await provider.delete!("rec-42", created.outs);
    expect(requests).toEqual([
      {
        url: "https://dns.example.com/api/zones/zone-1/records",
        method: "POST",
        authorization: `Bearer ${apiToken}`,
        body: { name: "verify", ttl: 300, type: "TXT", content: (record.inputs.inputs as { content: string }).content },
      },
      {
        url: "https://dns.example.com/api/zones/zone-1/records/rec-42",
        method: "DELETE",
        authorization: `Bearer ${apiToken}`,
        body: undefined,
      },
    ]);
  });
});

describe("the provider adapter", () => {
  interface Inputs {
    name: string;
    size: number;
  }
  const calls: unknown[][] = [];
  const withUpdate: DynamicProvider<Inputs, { serial: number }, { token: string }> = {
    async create(inputs, credentials) {
      calls.push(["create", inputs, credentials]);
      return { id: `id-${inputs.name}`, outputs: { serial: 1 } };
    },
    async update(id, olds, news, credentials) {
      calls.push(["update", id, olds, news, credentials]);
      return { serial: olds.outputs.serial + 1 };
    },
    async delete(id, state, credentials) {
      calls.push(["delete", id, state, credentials]);
    },
    replaceOnChanges: ["name"],
  };

  test("stores inputs, credentials and outputs so update and delete get them back", async () => {
    calls.length = 0;
    const provider = toResourceProvider(withUpdate);
    const created = await provider.create({ inputs: { name: "a", size: 1 }, credentials: { token: "t1" } });
    expect(created).toEqual({ id: "id-a", outs: { inputs: { name: "a", size: 1 }, credentials: { token: "t1" }, outputs: { serial: 1 } } });
    const updated = await provider.update!("id-a", created.outs!, { inputs: { name: "a", size: 2 }, credentials: { token: "t1" } });
    expect(updated.outs).toEqual({ inputs: { name: "a", size: 2 }, credentials: { token: "t1" }, outputs: { serial: 2 } });
    await provider.delete!("id-a", updated.outs!);
    expect(calls).toEqual([
      ["create", { name: "a", size: 1 }, { token: "t1" }],
      ["update", "id-a", { inputs: { name: "a", size: 1 }, outputs: { serial: 1 } }, { name: "a", size: 2 }, { token: "t1" }],
      ["delete", "id-a", { inputs: { name: "a", size: 2 }, outputs: { serial: 2 } }, { token: "t1" }],
    ]);
  });

  test("diffs inputs: in-place changes update, replaceOnChanges replace, key order does not matter", async () => {
    const provider = toResourceProvider(withUpdate);
    const olds = { inputs: { name: "a", size: 1 }, credentials: { token: "t1" }, outputs: { serial: 1 } };
    await expect(provider.diff!("id-a", olds, { inputs: { size: 1, name: "a" }, credentials: { token: "t1" } })).resolves.toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
    await expect(provider.diff!("id-a", olds, { inputs: { name: "a", size: 3 }, credentials: { token: "t1" } })).resolves.toMatchObject({
      changes: true,
      replaces: [],
    });
    await expect(provider.diff!("id-a", olds, { inputs: { name: "b", size: 1 }, credentials: { token: "t1" } })).resolves.toMatchObject({
      changes: true,
      replaces: ["inputs"],
    });
  });

  test("a credentials change alone updates only the stored credentials", async () => {
    calls.length = 0;
    const provider = toResourceProvider(withUpdate);
    const olds = { inputs: { name: "a", size: 1 }, credentials: { token: "old" }, outputs: { serial: 1 } };
    const news = { inputs: { name: "a", size: 1 }, credentials: { token: "rotated" } };
    await expect(provider.diff!("id-a", olds, news)).resolves.toMatchObject({ changes: true, replaces: [] });
    await expect(provider.update!("id-a", olds, news)).resolves.toEqual({ outs: { ...news, outputs: { serial: 1 } } });
    expect(calls).toEqual([]);
  });

  test("without update, every input change replaces the resource", async () => {
    const { update: _update, ...createOnly } = withUpdate;
    const provider = toResourceProvider(createOnly);
    const olds = { inputs: { name: "a", size: 1 }, credentials: { token: "t1" }, outputs: { serial: 1 } };
    await expect(provider.diff!("id-a", olds, { inputs: { name: "a", size: 2 }, credentials: { token: "t1" } })).resolves.toMatchObject({
      changes: true,
      replaces: ["inputs"],
    });
  });
});
