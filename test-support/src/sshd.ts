/**
 * A real OpenSSH server on a free loopback port for tests and benchmarks, with throw-away host keys, a
 * throw-away local user (with a password and an authorized Ed25519 key) and its files in a temp folder.
 * Needs `/usr/sbin/sshd` and `ssh-keygen` (Debian's openssh-server) and root (to create the user and let
 * sshd check passwords); {@link sshdUnavailableReason} says why not otherwise, so tests can skip.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The sshd binary the helper starts. */
export const sshdPath = "/usr/sbin/sshd";

/** Host key types the server can be given. */
export type HostKeyType = "ed25519" | "ecdsa" | "rsa";

/** Why a real sshd cannot run here, or `undefined` when it can. */
export function sshdUnavailableReason(): string | undefined {
  if (!existsSync(sshdPath)) return `${sshdPath} is missing; install it with \`apt-get install -y openssh-server\``;
  if (process.getuid?.() !== 0) return "the SSH tests need root to create a test user and run sshd with password authentication";
  return undefined;
}

/** A running test sshd. */
/** An SSH terminal to the test server, in the shape of a unit's `$terminals` entry. */
export interface SshTerminalToTestServer {
  type: "ssh";
  name: string;
  host: string;
  port: number;
  user: string;
  hostKey: string;
  credentials: { privateKey: string };
}

export interface TestSshd {
  host: string;
  port: number;
  /** The throw-away login user. */
  user: string;
  /** The user's password (password authentication is on). */
  password: string;
  /** The user's home folder. */
  home: string;
  /** The server's host public keys in OpenSSH format (`type base64`), by type. */
  hostKeys: Partial<Record<HostKeyType, string>>;
  /** The first host key (the one a client sees when it prefers that type), as an OpenSSH line. */
  hostKey: string;
  /** A private key the server accepts (OpenSSH format), authorized from the start. */
  userPrivateKey: string;
  /** The matching public key line. */
  userPublicKey: string;
  /** The sshd process. */
  process: ChildProcess;
  /** What sshd wrote to stderr lately (it runs with `-e`). */
  log(): string;
  /** Replaces the authorized keys with these public keys. */
  authorize(publicKeys: string[]): Promise<void>;
  /** Generates another Ed25519 key pair (not authorized). */
  generateKeyPair(): Promise<{ privateKey: string; publicKey: string }>;
  /** An SSH terminal (as a unit's `$terminals` lists it) to this server, logging in with a private key (the authorized one by default). */
  sshTerminal(name: string, privateKey?: string): SshTerminalToTestServer;
  /** Stops sshd and removes the user and the temp folder. */
  stop(): Promise<void>;
}

/** Finds a free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no free port"))));
    });
  });
}

/** Starts `sshd -D -e` on a free loopback port with a temp config; call `stop()` when done. */
export async function startTestSshd(
  options: {
    hostKeyTypes?: HostKeyType[];
    extraConfig?: string[];
    /**
     * A command sshd is started through, given sshd's argv after it (for example `unshare --mount …`
     * to give the server a private view of the file system); it must `exec` sshd so the process stays sshd.
     */
    wrapper?: string[];
  } = {},
): Promise<TestSshd> {
  const dir = await mkdtemp(join(tmpdir(), "highstate-sshd-"));
  await chmod(dir, 0o755);
  const user = `hs${randomBytes(4).toString("hex")}`;
  const password = randomBytes(12).toString("base64url");
  const home = join(dir, "home");
  let child: ChildProcess | undefined;
  let userCreated = false;
  let stderr = "";
  const stop = async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child!.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    if (userCreated) await removeUser(user);
    await rm(dir, { recursive: true, force: true });
  };
  const keygen = async (name: string, type: HostKeyType = "ed25519") => {
    const path = join(dir, name);
    await run("ssh-keygen", ["-q", "-t", type, "-N", "", "-C", name, "-f", path]);
    return { path, privateKey: await readFile(path, "utf8"), publicKey: (await readFile(`${path}.pub`, "utf8")).trim() };
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
    const [uid, gid] = await Promise.all([run("id", ["-u", user]), run("id", ["-g", user])]);
    await chown(home, Number(uid.stdout.trim()), Number(gid.stdout.trim()));

    const hostKeys: Partial<Record<HostKeyType, string>> = {};
    const hostKeyLines: string[] = [];
    for (const type of options.hostKeyTypes ?? ["ed25519"]) {
      const key = await keygen(`ssh_host_${type}_key`, type);
      hostKeys[type] = key.publicKey.split(" ").slice(0, 2).join(" ");
      hostKeyLines.push(`HostKey ${key.path}`);
    }
    const userKey = await keygen("user_key");
    const authorizedKeys = join(dir, "authorized_keys");
    const authorize = (publicKeys: string[]) => writeFile(authorizedKeys, publicKeys.map((key) => `${key}\n`).join(""), { mode: 0o644 });
    await authorize([userKey.publicKey]);
    const port = await freePort();
    const config = join(dir, "sshd_config");
    await writeFile(
      config,
      [
        `Port ${port}`,
        "ListenAddress 127.0.0.1",
        ...hostKeyLines,
        "PidFile none",
        `AuthorizedKeysFile ${authorizedKeys}`,
        "StrictModes no",
        "UsePAM no",
        "PubkeyAuthentication yes",
        "PasswordAuthentication yes",
        "KbdInteractiveAuthentication no",
        "PermitRootLogin no",
        `AllowUsers ${user}`,
        "PrintMotd no",
        "PrintLastLog no",
        "Banner none",
        "LogLevel VERBOSE",
        "MaxStartups 100",
        ...(options.extraConfig ?? []),
        "",
      ].join("\n"),
    );
    const sshdArgv = [sshdPath, "-D", "-e", "-f", config];
    const argv = [...(options.wrapper ?? []), ...sshdArgv];
    const started = spawn(argv[0]!, argv.slice(1), { stdio: ["ignore", "ignore", "pipe"] });
    child = started;
    started.stderr!.setEncoding("utf8");
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`sshd did not start within 15 s:\n${stderr}`)), 15_000);
      started.stderr!.on("data", (chunk: string) => {
        stderr = (stderr + chunk).slice(-16_000);
        if (stderr.includes("Server listening on")) {
          clearTimeout(timer);
          resolve();
        }
      });
      started.once("exit", (exitCode) => {
        clearTimeout(timer);
        reject(new Error(`sshd exited with ${exitCode}:\n${stderr}`));
      });
    });
    let keyCount = 0;
    const hostKey = hostKeys[(options.hostKeyTypes ?? ["ed25519"])[0]!]!;
    return {
      host: "127.0.0.1",
      port,
      user,
      password,
      home,
      hostKeys,
      hostKey,
      userPrivateKey: userKey.privateKey,
      userPublicKey: userKey.publicKey,
      process: started,
      log: () => stderr,
      authorize,
      generateKeyPair: async () => {
        const { privateKey, publicKey } = await keygen(`extra_key_${++keyCount}`);
        return { privateKey, publicKey };
      },
      sshTerminal: (name, privateKey = userKey.privateKey) => ({
        type: "ssh",
        name,
        host: "127.0.0.1",
        port,
        user,
        hostKey,
        credentials: { privateKey },
      }),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
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
