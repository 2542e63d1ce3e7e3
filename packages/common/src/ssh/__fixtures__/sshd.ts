/**
 * Starts a real OpenSSH server on a free loopback port for tests, with a throw-away host key, a
 * dedicated local user with a password and an authorized_keys file in a temp folder. Needs root (to
 * create the user and let sshd check passwords) and /usr/sbin/sshd; otherwise it returns a reason to skip.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const sshdPath = "/usr/sbin/sshd";

export interface TestSshd {
  host: string;
  port: number;
  user: string;
  password: string;
  /** The server's host keys in OpenSSH format, by type. */
  hostKeys: Record<string, string>;
  /** Replaces the authorized_keys file with these public keys. */
  authorize(publicKeys: string[]): Promise<void>;
  /** Stops sshd and removes the user and the temp folder. */
  stop(): Promise<void>;
}

export type HostKeyType = "ed25519" | "ecdsa" | "rsa";

/** Why the sshd tests cannot run here, or `undefined` when they can. */
export function sshdSkipReason(): string | undefined {
  if (!existsSync(sshdPath)) return `${sshdPath} is missing; install it with \`apt-get install -y openssh-server\``;
  if (process.getuid?.() !== 0) return "the SSH tests need root to create a test user and run sshd with password authentication";
  return undefined;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

async function waitForBanner(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`sshd exited with ${child.exitCode}: ${log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("data", (data) => {
        socket.destroy();
        resolve(data.toString().startsWith("SSH-"));
      });
      socket.once("error", () => resolve(false));
      socket.setTimeout(1000, () => {
        socket.destroy();
        resolve(false);
      });
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`sshd did not answer on port ${port}: ${log()}`);
}

export async function startTestSshd(options: { hostKeyTypes?: HostKeyType[] } = {}): Promise<TestSshd> {
  const dir = await mkdtemp(join(tmpdir(), "highstate-sshd-"));
  await chmod(dir, 0o755);
  const user = `hs${randomBytes(4).toString("hex")}`;
  const password = randomBytes(12).toString("base64url");
  const home = join(dir, "home");
  let child: ChildProcess | undefined;
  let userCreated = false;
  const cleanup = async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child!.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    if (userCreated) await removeUser(user);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await mkdir("/run/sshd", { recursive: true, mode: 0o755 });
    await mkdir(home, { mode: 0o755 });
    await run("useradd", ["-M", "-d", home, "-s", "/bin/sh", user]);
    userCreated = true;
    const chpasswd = spawn("chpasswd");
    chpasswd.stdin.end(`${user}:${password}\n`);
    const code = await new Promise((resolve) => chpasswd.once("exit", resolve));
    if (code !== 0) throw new Error(`chpasswd failed with ${code}`);
    const { uid, gid } = await idsOf(user);
    await chown(home, uid, gid);

    const hostKeys: Record<string, string> = {};
    const hostKeyLines: string[] = [];
    for (const type of options.hostKeyTypes ?? ["ed25519"]) {
      const file = join(dir, `ssh_host_${type}_key`);
      await run("ssh-keygen", ["-q", "-t", type, "-N", "", "-f", file]);
      hostKeys[type] = (await readFile(`${file}.pub`, "utf8")).trim().split(" ").slice(0, 2).join(" ");
      hostKeyLines.push(`HostKey ${file}`);
    }
    const authorizedKeys = join(dir, "authorized_keys");
    await writeFile(authorizedKeys, "", { mode: 0o644 });
    const port = await freePort();
    const config = join(dir, "sshd_config");
    await writeFile(
      config,
      [
        `Port ${port}`,
        "ListenAddress 127.0.0.1",
        ...hostKeyLines,
        `PidFile ${join(dir, "sshd.pid")}`,
        `AuthorizedKeysFile ${authorizedKeys}`,
        "StrictModes no",
        "UsePAM no",
        "PubkeyAuthentication yes",
        "PasswordAuthentication yes",
        "KbdInteractiveAuthentication no",
        "PermitRootLogin no",
        `AllowUsers ${user}`,
        "LogLevel VERBOSE",
        "",
      ].join("\n"),
    );
    let stderr = "";
    child = spawn(sshdPath, ["-D", "-e", "-f", config], { stdio: ["ignore", "ignore", "pipe"] });
    child.stderr!.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    await waitForBanner(port, child, () => stderr);
    return {
      host: "127.0.0.1",
      port,
      user,
      password,
      hostKeys,
      authorize: (publicKeys) => writeFile(authorizedKeys, publicKeys.map((key) => `${key}\n`).join(""), { mode: 0o644 }),
      stop: cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

async function idsOf(user: string): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([run("id", ["-u", user]), run("id", ["-g", user])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** Removes the test user; sshd's per-connection processes may still be exiting, so it retries before forcing. */
async function removeUser(user: string): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      await run("userdel", [user]);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  await run("userdel", ["-f", user]).catch((error: unknown) => {
    console.warn(`Could not remove the test user "${user}": ${(error as Error).message}`);
  });
}
