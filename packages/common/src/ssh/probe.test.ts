import { hostname as localHostname } from "node:os";
import { freePort, sshdUnavailableReason, startTestSshd, type TestSshd } from "@highstate/test-support/sshd";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectSsh, withSshSession } from "./connect.js";
import { SshAuthenticationError, SshCommandError, SshHostKeyMismatchError, SshUnreachableError } from "./errors.js";
import { generateSshKeyPair, sshFingerprint } from "./keys.js";
import { probeServer, waitForSsh } from "./probe.js";

const skipReason = sshdUnavailableReason();
if (skipReason) console.warn(`Skipping the sshd tests: ${skipReason}`);

describe.skipIf(skipReason !== undefined)("SSH against a real sshd", () => {
  let sshd: TestSshd;
  const keyPair = generateSshKeyPair();

  beforeAll(async () => {
    sshd = await startTestSshd({ hostKeyTypes: ["ed25519", "ecdsa"] });
    await sshd.authorize([keyPair.publicKey]);
  });
  afterAll(async () => {
    await sshd?.stop();
  });

  it("reads the host name and the ed25519 host key with a key pair", async () => {
    const facts = await probeServer({ host: sshd.host, port: sshd.port, user: sshd.user, privateKey: keyPair.privateKey });
    expect(facts).toEqual({
      hostname: localHostname(),
      hostKey: sshd.hostKeys.ed25519,
      hostKeyType: "ed25519",
      hostKeyFingerprint: sshFingerprint(sshd.hostKeys.ed25519!),
    });
  });

  it("logs in with a password", async () => {
    const facts = await probeServer({ host: sshd.host, port: sshd.port, user: sshd.user, password: sshd.password });
    expect(facts.hostname).toBe(localHostname());
    expect(facts.hostKey).toBe(sshd.hostKeys.ed25519);
  });

  it("runs commands, passes stdin and reports failures with the exit code and stderr", async () => {
    await withSshSession({ host: sshd.host, port: sshd.port, user: sshd.user, privateKey: keyPair.privateKey }, async (session) => {
      expect(await session.run("cat", { stdin: "hello\n" })).toBe("hello\n");
      expect(await session.run("id -un")).toBe(`${sshd.user}\n`);
      await expect(session.run("echo oops >&2; exit 3")).rejects.toThrow(SshCommandError);
      await expect(session.run("echo oops >&2; exit 3")).rejects.toThrow(
        /"echo oops >&2; exit 3" on "127.0.0.1" failed with exit code 3: oops/,
      );
    });
  });

  it("refuses a wrong password clearly and without retrying", async () => {
    // A retry would wait ten minutes, far past the test's timeout: returning at all proves there was none.
    const error = await probeServer(
      { host: sshd.host, port: sshd.port, user: sshd.user, password: "wrong-password" },
      { timeoutMs: 3_600_000, retryIntervalMs: 600_000 },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SshAuthenticationError);
    expect((error as Error).message).toContain(`refused to log in user "${sshd.user}" with password`);
  });

  it("refuses a key that is not authorised", async () => {
    const other = generateSshKeyPair();
    await expect(connectSsh({ host: sshd.host, port: sshd.port, user: sshd.user, privateKey: other.privateKey })).rejects.toThrow(
      /refused to log in user "hs[0-9a-f]+" with publickey/,
    );
  });

  it("accepts the pinned host key and refuses another one", async () => {
    const target = { host: sshd.host, port: sshd.port, user: sshd.user, privateKey: keyPair.privateKey };
    const session = await connectSsh({ ...target, hostKey: sshd.hostKeys.ed25519 });
    session.close();
    const impostor = generateSshKeyPair().publicKey;
    const error = await connectSsh({ ...target, hostKey: impostor }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SshHostKeyMismatchError);
    expect((error as SshHostKeyMismatchError).actual).toBe(sshd.hostKeys.ed25519);
  });

  it("keeps matching a pinned ECDSA key even though the server also has ed25519", async () => {
    const facts = await probeServer({
      host: sshd.host,
      port: sshd.port,
      user: sshd.user,
      privateKey: keyPair.privateKey,
      hostKey: sshd.hostKeys.ecdsa,
    });
    expect(facts.hostKeyType).toBe("ecdsa");
    expect(facts.hostKey).toBe(sshd.hostKeys.ecdsa);
  });
});

describe.skipIf(skipReason !== undefined)("a server without an ed25519 host key", () => {
  let sshd: TestSshd;
  beforeAll(async () => {
    sshd = await startTestSshd({ hostKeyTypes: ["rsa"] });
  });
  afterAll(async () => {
    await sshd?.stop();
  });

  it("falls back to its RSA host key", async () => {
    const facts = await probeServer({ host: sshd.host, port: sshd.port, user: sshd.user, password: sshd.password });
    expect(facts.hostKeyType).toBe("rsa");
    expect(facts.hostKey).toBe(sshd.hostKeys.rsa);
  });
});

describe("an unreachable server", () => {
  it("gives up after the timeout with a clear error naming the address and the last failure", async () => {
    const port = await freePort();
    const error = await waitForSsh(
      { host: "127.0.0.1", port, user: "root", password: "x" },
      { timeoutMs: 1_500, retryIntervalMs: 300 },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SshUnreachableError);
    expect((error as Error).message).toMatch(
      new RegExp(`"127\\.0\\.0\\.1:${port}" did not answer within [12]\\.\\d s\\. Last error: .*ECONNREFUSED`),
    );
  });

  it("can be aborted", async () => {
    const port = await freePort();
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("stop")), 200);
    await expect(
      waitForSsh({ host: "127.0.0.1", port, user: "root" }, { signal: controller.signal, retryIntervalMs: 10_000 }),
    ).rejects.toThrow("stop");
  });
});
