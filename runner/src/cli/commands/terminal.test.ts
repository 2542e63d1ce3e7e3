import type { TerminalSpecInput } from "@highstate/contract";
import { sshdUnavailableReason, startTestSshd, type TestSshd } from "@highstate/test-support/sshd";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureContractBuilt } from "../../registry/__fixtures__/plugin-workspace.js";
import { ProjectSecrets } from "../../secrets/project-secrets.js";
import { InstanceStateStore } from "../../workspace/instance-state.js";
import { ProjectStore } from "../../workspace/project-store.js";
import { cliWorkspace, runCli } from "../__fixtures__/cli-harness.js";

/** A `${file:<name>}` placeholder of a local terminal spec. */
const fileRef = (name: string) => `\${file:${name}}`;

beforeAll(() => ensureContractBuilt(), 120_000);

/** A workspace whose machine "web" last ran with the given terminals (encrypted with `password` when given). */
async function workspaceWithTerminals(terminals: TerminalSpecInput[], password?: string): Promise<string> {
  const dir = await cliWorkspace({ project: "prod" });
  expect((await runCli(["instances", "add", "acme.machine.v1", "web"], { cwd: dir })).code).toBe(0);
  const store = new ProjectStore(dir);
  const instance = (await store.load("prod")).instances[0]!;
  let crypter: ProjectSecrets["crypter"] | undefined;
  if (password) {
    const secrets = await ProjectSecrets.open(store.paths.projectSecretsFile("prod"));
    await secrets.create(password);
    crypter = secrets.crypter;
  }
  const now = new Date().toISOString();
  await new InstanceStateStore(dir, "prod").record(
    instance.uid,
    {
      instanceId: instance.id,
      operation: "up",
      result: "succeeded",
      startedAt: now,
      finishedAt: now,
      outputs: { server: { value: { host: "web" }, secret: false }, $terminals: { value: terminals, secret: password !== undefined } },
    },
    crypter,
  );
  return dir;
}

describe("highstate terminal", () => {
  it("runs a local terminal with its files and returns the command's exit code", async () => {
    const dir = await workspaceWithTerminals([
      {
        type: "local",
        name: "kubectl",
        command: ["/bin/sh", "-c", 'cat "$KUBECONFIG"; exit 5'],
        env: { KUBECONFIG: fileRef("kubeconfig") },
        files: [{ name: "kubeconfig", content: "kind: Config" }],
      },
      { type: "local", name: "other", command: ["/bin/true"] },
    ]);
    const run = await runCli(["terminal", "web", "kubectl"], { cwd: dir });
    expect(run.code).toBe(5);
    expect(run.stdout).toContain("kind: Config");
    expect(run.stderr).toBe("Connected to kubectl.\n");
  });

  it("names the terminals when the choice is ambiguous or wrong, and says when the instance never ran", async () => {
    const dir = await workspaceWithTerminals([
      { type: "local", name: "a", command: ["/bin/true"] },
      { type: "local", name: "b", command: ["/bin/true"] },
    ]);
    expect(await runCli(["terminal", "web"], { cwd: dir })).toMatchObject({
      code: 1,
      stderr:
        'Error: "acme.machine.v1:web" offers several terminals ("a", "b"); name one: `highstate terminal acme.machine.v1:web <name>`\n',
    });
    expect(await runCli(["terminal", "web", "c"], { cwd: dir })).toMatchObject({
      code: 1,
      stderr: 'Error: "acme.machine.v1:web" has no terminal "c"; it has "a", "b"\n',
    });
    const fresh = await cliWorkspace({ project: "prod" });
    await runCli(["instances", "add", "acme.machine.v1", "web"], { cwd: fresh });
    expect(await runCli(["terminal", "web"], { cwd: fresh })).toMatchObject({
      code: 1,
      stderr: 'Error: "acme.machine.v1:web" has no terminals yet; run it with `highstate up acme.machine.v1:web` first\n',
    });
  });

  it("decrypts terminals stored as secret outputs with the project password", async () => {
    const dir = await workspaceWithTerminals([{ type: "local", name: "shell", command: ["/bin/echo", "decrypted-ok"] }], "correct horse");
    const locked = await runCli(["terminal", "web"], { cwd: dir });
    expect(locked.code).toBe(2);
    expect(locked.stderr).toMatch(/password of project "prod".*HIGHSTATE_PASSWORD/);
    const run = await runCli(["terminal", "web"], { cwd: dir, env: { HIGHSTATE_PASSWORD: "correct horse" } });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("decrypted-ok");
  });

  const unavailable = sshdUnavailableReason();
  describe.skipIf(unavailable !== undefined)("over SSH", () => {
    let sshd: TestSshd;
    beforeAll(async () => {
      sshd = await startTestSshd();
    });
    afterAll(async () => {
      await sshd?.stop();
    });

    it("sends stdin to the remote shell and prints its output", async () => {
      const dir = await workspaceWithTerminals([sshd.sshTerminal("shell")]);
      const run = await runCli(["terminal", "web"], { cwd: dir, stdin: "echo via-cli-$((2+3))\nexit 4\n" });
      expect(run.stdout).toContain("via-cli-5");
      expect(run.code).toBe(4);
    });

    it("reports a refused login as a one-line error", async () => {
      const other = await sshd.generateKeyPair();
      const dir = await workspaceWithTerminals([sshd.sshTerminal("shell", other.privateKey)]);
      const run = await runCli(["terminal", "web"], { cwd: dir });
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(
        `Error: SSH server "${sshd.host}:${sshd.port}" refused user "${sshd.user}" with the private key. Check the instance's SSH key pair or password and that the key is in the server's authorized_keys.\n`,
      );
    });
  });
});
