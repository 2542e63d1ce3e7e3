/**
 * Test helper: a real OpenSSH server on a free loopback port, with a generated host key and user key,
 * for tests and benchmarks of SSH terminals. Needs `/usr/sbin/sshd` and `ssh-keygen` (Debian's
 * openssh-server) and root (sshd's privilege separation).
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { userInfo } from "node:os";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The sshd binary the helper starts. */
export const sshdPath = "/usr/sbin/sshd";

/** Why a real sshd cannot run here, or `undefined` when it can. */
export function sshdUnavailableReason(): string | undefined {
  if (!existsSync(sshdPath)) return `${sshdPath} is missing (apt-get install openssh-server)`;
  if (process.getuid?.() !== 0) return "sshd must be started as root";
  return undefined;
}

/** A running test sshd. */
export interface TestSshd {
  host: string;
  port: number;
  /** The login user (the current user). */
  user: string;
  /** The server's Ed25519 host public key line. */
  hostKey: string;
  /** A private key the server accepts (OpenSSH format). */
  userPrivateKey: string;
  /** The matching public key line. */
  userPublicKey: string;
  /** The sshd process. */
  process: ChildProcess;
  /** Everything sshd wrote to stderr so far (it runs with `-e`). */
  log(): string;
  /** Generates another Ed25519 key pair (not authorized). */
  generateKeyPair(): Promise<{ privateKey: string; publicKey: string }>;
  /** Stops sshd and removes its files. */
  stop(): Promise<void>;
}

/** Finds a free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** Starts `sshd -D -e` on a free loopback port with a temp config; call `stop()` when done. */
export async function startTestSshd(options: { extraConfig?: string[] } = {}): Promise<TestSshd> {
  const directory = await mkdtemp(join(tmpdir(), "highstate-sshd-"));
  const keygen = async (name: string) => {
    const path = join(directory, name);
    await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", name, "-f", path]);
    return { privateKey: await readFile(path, "utf8"), publicKey: (await readFile(`${path}.pub`, "utf8")).trim() };
  };
  const hostKey = await keygen("host_key");
  const userKey = await keygen("user_key");
  await writeFile(join(directory, "authorized_keys"), `${userKey.publicKey}\n`, { mode: 0o600 });
  await mkdir("/run/sshd", { recursive: true, mode: 0o755 });
  const port = await freePort();
  const config = [
    `Port ${port}`,
    "ListenAddress 127.0.0.1",
    `HostKey ${join(directory, "host_key")}`,
    `AuthorizedKeysFile ${join(directory, "authorized_keys")}`,
    "StrictModes no",
    "PidFile none",
    "UsePAM no",
    "PermitRootLogin prohibit-password",
    "PasswordAuthentication no",
    "KbdInteractiveAuthentication no",
    "PrintMotd no",
    "PrintLastLog no",
    "Banner none",
    "LogLevel VERBOSE",
    "MaxStartups 100",
    ...(options.extraConfig ?? []),
  ];
  const configPath = join(directory, "sshd_config");
  await writeFile(configPath, `${config.join("\n")}\n`);
  let stderr = "";
  const child = spawn(sshdPath, ["-D", "-e", "-f", configPath], { stdio: ["ignore", "ignore", "pipe"] });
  child.stderr?.setEncoding("utf8");
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sshd did not start within 10 s:\n${stderr}`)), 10_000);
    child.stderr?.on("data", (chunk: string) => {
      stderr += chunk;
      if (stderr.includes("Server listening on")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`sshd exited with ${code}:\n${stderr}`));
    });
  });
  let keyCount = 0;
  return {
    host: "127.0.0.1",
    port,
    user: userInfo().username,
    hostKey: hostKey.publicKey,
    userPrivateKey: userKey.privateKey,
    userPublicKey: userKey.publicKey,
    process: child,
    log: () => stderr,
    generateKeyPair: () => keygen(`extra_key_${++keyCount}`),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
      await rm(directory, { recursive: true, force: true });
    },
  };
}
