import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { UnreadableFileError } from "../fs/errors.js";
import { SecretsLockedError } from "../secrets/errors.js";
import { createPassphraseCrypter, type PassphraseCrypter } from "../secrets/passphrase-crypter.js";
import { testdir } from "../test-utils/testdir.js";
import { hasResources, InstanceStateStore, StaleSecretOutputsError } from "./instance-state.js";
import type { RunFingerprint } from "./instance-state-schema.js";

const uid = "webserver0001";
const instanceId = "common.existing-server.v1:web";
const start = new Date("2030-01-01T10:00:00.000Z");
const end = new Date("2030-01-01T10:01:00.000Z");

let crypterC: PassphraseCrypter;
let crypterD: PassphraseCrypter;

beforeAll(async () => {
  crypterC = await createPassphraseCrypter("password", "v1:fozI5u6B030=:v1:F+6ZduKKd8G0/V7L:PGMFeIzwobWRKmEAzUdaQHqC5mMRIQ==");
  crypterD = await createPassphraseCrypter("abc123", "v1:4iF78gb0nF0=:v1:Co6IbTWYs/UdrjgY:FSrAWOFZnj9ealCUDdJL7LrUKXX9BA==");
});

const fingerprint: Omit<RunFingerprint, "finishedAt"> = {
  format: 1,
  component: { type: "common.existing-server.v1", package: "@highstate/common", version: "1.2.3" },
  args: "sha256:args",
  secrets: "hmac-sha256:secrets-1",
  inputs: { keyPair: "sha256:inputs" },
};

const outputs = {
  server: { value: { hostname: "web", endpoints: ["10.0.0.1"] }, secret: false },
  $terminals: { value: [{ name: "shell", password: "hunter2" }], secret: true },
};

async function storeIn(dir?: string) {
  const root = dir ?? (await testdir());
  return { root, store: new InstanceStateStore(root, "prod") };
}

describe("InstanceStateStore", () => {
  it("records a successful up with outputs, secret ones encrypted", async () => {
    const { root, store } = await storeIn();
    expect(await store.get(uid)).toBeUndefined();
    const state = await store.record(
      uid,
      {
        instanceId,
        operation: "up",
        result: "succeeded",
        startedAt: start,
        finishedAt: end,
        resourceCount: 4,
        outputs,
        fingerprint,
        resourceChanges: { create: 4 },
      },
      crypterC,
    );
    expect(state).toMatchObject({
      status: "created",
      resourceCount: 4,
      outputs: { server: outputs.server.value },
      lastSuccess: { ...fingerprint, finishedAt: end.toISOString() },
    });
    expect(state.log).toEqual([
      {
        operation: "up",
        result: "succeeded",
        startedAt: start.toISOString(),
        finishedAt: end.toISOString(),
        resourceChanges: { create: 4 },
      },
    ]);
    const text = await readFile(join(root, ".highstate", "instances", "prod", `${uid}.json`), "utf8");
    expect(text).not.toContain("hunter2");
    expect(text.endsWith("}\n")).toBe(true);
    const stored = (await store.get(uid))!;
    expect(stored).toEqual(state);
    expect(store.outputs(stored, crypterC)).toEqual(outputs);
    expect(store.outputs(stored, undefined, { secrets: "omit" })).toEqual({ server: outputs.server });
    expect(() => store.outputs(stored)).toThrow(SecretsLockedError);
    expect(() => store.outputs(stored, crypterD)).toThrow(StaleSecretOutputsError);
    expect(stored.outputHashes.server).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(stored.outputHashes.$terminals).toMatch(/^secure:sha256:[0-9a-f]{64}$/);
    expect(text).not.toContain("hunter2");
  });

  it("never writes secret outputs without a crypter", async () => {
    const { store } = await storeIn();
    await expect(
      store.record(uid, { instanceId, operation: "up", result: "succeeded", startedAt: start, finishedAt: end, outputs }),
    ).rejects.toBeInstanceOf(SecretsLockedError);
    expect(await store.get(uid)).toBeUndefined();
  });

  it("keeps the ciphertext of an unchanged secret output", async () => {
    const { store } = await storeIn();
    const first = await store.record(
      uid,
      { instanceId, operation: "up", result: "succeeded", startedAt: start, finishedAt: end, outputs },
      crypterC,
    );
    const second = await store.record(
      uid,
      { instanceId, operation: "up", result: "succeeded", startedAt: start, finishedAt: end, outputs },
      crypterC,
    );
    expect(second.secretOutputs).toEqual(first.secretOutputs);
    expect(second.outputHashes).toEqual(first.outputHashes);
    const changed = await store.record(
      uid,
      {
        instanceId,
        operation: "up",
        result: "succeeded",
        startedAt: start,
        finishedAt: end,
        outputs: { ...outputs, $terminals: { value: [], secret: true } },
      },
      crypterC,
    );
    expect(changed.secretOutputs?.values.$terminals).not.toBe(first.secretOutputs?.values.$terminals);
    expect(changed.outputHashes.$terminals).not.toBe(first.outputHashes.$terminals);
    expect(changed.outputHashes.server).toBe(first.outputHashes.server);
    expect(store.outputs(changed, crypterC).$terminals).toEqual({ value: [], secret: true });
  });

  it("records failures, then clears the error on success, and destroys", async () => {
    const { store } = await storeIn();
    await store.record(
      uid,
      { instanceId, operation: "up", result: "succeeded", startedAt: start, finishedAt: end, resourceCount: 2, fingerprint },
      crypterC,
    );
    const failed = await store.record(uid, {
      instanceId,
      operation: "up",
      result: "failed",
      startedAt: start,
      finishedAt: end,
      error: "boom",
    });
    expect(failed).toMatchObject({
      status: "failed",
      resourceCount: 2,
      lastError: { operation: "up", message: "boom", at: end.toISOString() },
    });
    expect(failed.lastSuccess).toEqual({ ...fingerprint, finishedAt: end.toISOString() });
    const preview = await store.record(uid, {
      instanceId,
      operation: "preview",
      result: "failed",
      startedAt: start,
      finishedAt: end,
      error: "preview error",
    });
    expect(preview.status).toBe("failed");
    expect(preview.lastError?.message).toBe("boom");
    const cancelled = await store.record(uid, { instanceId, operation: "destroy", result: "cancelled", startedAt: start, finishedAt: end });
    expect(cancelled.lastError?.message).toBe("the destroy was cancelled");
    const destroyed = await store.record(uid, { instanceId, operation: "destroy", result: "succeeded", startedAt: start, finishedAt: end });
    expect(destroyed).toMatchObject({ status: "not-created", resourceCount: 0, outputs: {}, outputHashes: {} });
    expect(destroyed.lastSuccess).toBeUndefined();
    expect(destroyed.lastError).toBeUndefined();
    expect(destroyed.log.map((entry) => `${entry.operation}:${entry.result}`)).toEqual([
      "up:succeeded",
      "up:failed",
      "preview:failed",
      "destroy:cancelled",
      "destroy:succeeded",
    ]);
  });

  it("keeps the operation log bounded", async () => {
    const root = await testdir();
    const store = new InstanceStateStore(root, "prod", { maxLogEntries: 3 });
    for (let index = 0; index < 5; index++) {
      await store.record(uid, {
        instanceId,
        operation: "preview",
        result: "succeeded",
        startedAt: new Date(index * 1000),
        finishedAt: end,
      });
    }
    const state = (await store.get(uid))!;
    expect(state.log.map((entry) => entry.startedAt)).toEqual([2000, 3000, 4000].map((time) => new Date(time).toISOString()));
  });

  it("serialises concurrent records of one instance", async () => {
    const { store } = await storeIn();
    await Promise.all(
      [1, 2, 3, 4].map((count) =>
        store.record(uid, {
          instanceId,
          operation: "refresh",
          result: "succeeded",
          startedAt: start,
          finishedAt: end,
          resourceCount: count,
        }),
      ),
    );
    const state = (await store.get(uid))!;
    expect(state.log).toHaveLength(4);
    expect(state.resourceCount).toBe(4);
  });

  it("re-encrypts secret outputs after a password change and carries fingerprints over", async () => {
    const { store } = await storeIn();
    await store.record(
      uid,
      { instanceId, operation: "up", result: "succeeded", startedAt: start, finishedAt: end, outputs, fingerprint },
      crypterC,
    );
    await store.record("other0000001", {
      instanceId: "a.b.v1:c",
      operation: "up",
      result: "succeeded",
      startedAt: start,
      finishedAt: end,
      fingerprint: { ...fingerprint, secrets: "hmac-sha256:other" },
    });
    const before = (await store.get(uid))!;
    await store.reencrypt(crypterC, crypterD, { secretsDigests: new Map([["hmac-sha256:secrets-1", "hmac-sha256:secrets-2"]]) });
    const state = (await store.get(uid))!;
    expect(state.secretOutputs?.encryptionSalt).toBe(crypterD.encryptionSalt);
    expect(store.outputs(state, crypterD)).toEqual(outputs);
    expect(state.lastSuccess?.secrets).toBe("hmac-sha256:secrets-2");
    expect(state.outputHashes).toEqual(before.outputHashes);
    expect((await store.get("other0000001"))!.lastSuccess?.secrets).toBe("hmac-sha256:other");
  });

  it("lists every state and removes one", async () => {
    const { store } = await storeIn();
    await store.record(uid, { instanceId, operation: "preview", result: "succeeded", startedAt: start, finishedAt: end });
    await store.record("other0000001", {
      instanceId: "a.b.v1:c",
      operation: "preview",
      result: "succeeded",
      startedAt: start,
      finishedAt: end,
    });
    expect(Object.keys(await store.getAll())).toEqual(["other0000001", uid]);
    await store.remove(uid);
    expect(Object.keys(await store.getAll())).toEqual(["other0000001"]);
  });

  it("never overwrites a state file it cannot read", async () => {
    const root = await testdir({ [`.highstate/instances/prod/${uid}.json`]: '{"version": 1, "uid": ' });
    const { store } = await storeIn(root);
    const file = join(root, ".highstate", "instances", "prod", `${uid}.json`);
    const before = await readFile(file);
    await expect(store.get(uid)).rejects.toBeInstanceOf(UnreadableFileError);
    await expect(
      store.record(uid, { instanceId, operation: "preview", result: "succeeded", startedAt: start, finishedAt: end }),
    ).rejects.toThrow(/truncated/);
    expect(await readFile(file)).toEqual(before);
    await writeFile(file, '{"version": 9}');
    await expect(store.get(uid)).rejects.toThrow(/newer Highstate/);
  });
});

describe("hasResources", () => {
  it("counts created instances and failed ones with resources left", async () => {
    const { store } = await storeIn();
    expect(hasResources(undefined)).toBe(false);
    const created = await store.record(uid, {
      instanceId,
      operation: "up",
      result: "succeeded",
      startedAt: start,
      finishedAt: end,
      resourceCount: 3,
    });
    expect(hasResources(created)).toBe(true);
    const failed = await store.record(uid, { instanceId, operation: "destroy", result: "failed", startedAt: start, finishedAt: end });
    expect(failed.status).toBe("failed");
    expect(hasResources(failed)).toBe(true);
    const failedEmpty = await store.record("other0000001", {
      instanceId,
      operation: "up",
      result: "failed",
      startedAt: start,
      finishedAt: end,
    });
    expect(hasResources(failedEmpty)).toBe(false);
  });
});
