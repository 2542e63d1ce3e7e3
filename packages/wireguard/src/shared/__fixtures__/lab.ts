/**
 * A throw-away WireGuard lab for real-peer tests: network namespaces, `wireguard-go` interfaces in
 * them and veth links between them. Everything a lab creates is removed by `destroy()`, which tests
 * call in `afterAll`/`finally`, so a failing test leaves no namespace or process behind.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

const tools = ["wg", "wg-quick", "wireguard-go", "ip", "ping"] as const;

function onPath(tool: string): boolean {
  return (process.env.PATH ?? "").split(":").some((dir) => dir && existsSync(join(dir, tool)));
}

/** Why the lab cannot run here, or `undefined` when it can. */
export function labUnavailableReason(): string | undefined {
  if (process.platform !== "linux") return "WireGuard lab tests need Linux network namespaces";
  if (process.getuid?.() !== 0) return "WireGuard lab tests need root to create network namespaces and interfaces";
  const missing = tools.filter((tool) => !onPath(tool));
  if (missing.length > 0) return `missing ${missing.join(", ")}; install them with \`apt-get install -y wireguard-tools wireguard-go iproute2 iputils-ping\``;
  if (!existsSync("/dev/net/tun")) return "/dev/net/tun is missing, so wireguard-go cannot create interfaces";
  return undefined;
}

/** Runs a command and returns its stdout; a failure carries the command's stderr. */
export async function sh(command: string, args: string[], input?: string): Promise<string> {
  if (input === undefined) {
    const { stdout } = await run(command, args, { maxBuffer: 1 << 20 });
    return stdout;
  }
  return new Promise((resolve, reject) => {
    const child = execFile(command, args, (error, stdout) => (error ? reject(error) : resolve(stdout)));
    child.stdin?.end(input);
  });
}

async function until(check: () => Promise<boolean>, what: string, attempts = 200): Promise<void> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Gave up waiting for ${what}`);
}

/** A WireGuard interface in a namespace of the lab. */
export interface LabInterface {
  namespace: string;
  name: string;
  /** The `wireguard-go` process the lab started; absent when `wg-quick` started it. */
  process?: ChildProcess;
}

/** Network namespaces, `wireguard-go` interfaces and veth links that are all removed together. */
export class WireGuardLab {
  /** A random tag shared by every name in the lab, so parallel runs never collide. */
  readonly tag = randomBytes(3).toString("hex");
  private readonly namespaces: string[] = [];
  private readonly interfaces: Array<LabInterface & { process: ChildProcess }> = [];
  private readonly quickInterfaces: Array<{ namespace: string; path: string }> = [];
  private directory?: string;
  private counter = 0;

  /** Creates a namespace with its loopback up. */
  async namespace(label: string): Promise<string> {
    const name = `hswg-${this.tag}-${label}`;
    await sh("ip", ["netns", "add", name]);
    this.namespaces.push(name);
    await sh("ip", ["-n", name, "link", "set", "lo", "up"]);
    return name;
  }

  /**
   * Starts `wireguard-go` in the foreground inside a namespace and waits for its interface. The name
   * is unique across the machine: userspace interfaces share one socket folder (`/var/run/wireguard`).
   */
  async wireguardGo(namespace: string): Promise<LabInterface> {
    const name = `hs${this.tag}${this.counter++}`;
    const child = spawn("ip", ["netns", "exec", namespace, "wireguard-go", "-f", name], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const entry = { namespace, name, process: child };
    this.interfaces.push(entry);
    await until(async () => {
      if (child.exitCode !== null) throw new Error(`wireguard-go ${name} exited with ${child.exitCode}: ${stderr}`);
      return existsSync(`/var/run/wireguard/${name}.sock`);
    }, `wireguard-go to create ${name}`);
    return entry;
  }

  /** Connects two namespaces with a veth pair and gives each end an address. */
  async link(a: string, addressA: string, b: string, addressB: string): Promise<void> {
    const index = this.counter++;
    const endA = `hva${this.tag}${index}`;
    const endB = `hvb${this.tag}${index}`;
    await sh("ip", ["link", "add", endA, "netns", a, "type", "veth", "peer", "name", endB, "netns", b]);
    await sh("ip", ["-n", a, "address", "add", addressA, "dev", endA]);
    await sh("ip", ["-n", b, "address", "add", addressB, "dev", endB]);
    await sh("ip", ["-n", a, "link", "set", endA, "up"]);
    await sh("ip", ["-n", b, "link", "set", endB, "up"]);
  }

  /** Writes a file readable only by root into the lab's temp folder and returns its path. */
  async file(name: string, content: string): Promise<string> {
    this.directory ??= await mkdtemp(join(tmpdir(), "hswg-"));
    const path = join(this.directory, name);
    await writeFile(path, content, { mode: 0o600 });
    return path;
  }

  /**
   * Loads a `wg-quick` config into an interface as `wg-quick up` would, without touching routes:
   * `wg-quick strip` removes the `wg-quick`-only keys, `wg setconf` loads the rest, then the
   * addresses are added and the link is brought up. Returns the stripped config.
   */
  async apply(iface: LabInterface, config: string, addresses: readonly string[]): Promise<string> {
    const path = await this.file(`${iface.name}.conf`, config);
    const stripped = await sh("wg-quick", ["strip", path]);
    const strippedPath = await this.file(`${iface.name}.stripped`, stripped);
    await sh("ip", ["netns", "exec", iface.namespace, "wg", "setconf", iface.name, strippedPath]);
    for (const address of addresses) await sh("ip", ["-n", iface.namespace, "address", "add", address, "dev", iface.name]);
    await sh("ip", ["-n", iface.namespace, "link", "set", iface.name, "up"]);
    return stripped;
  }

  /**
   * Brings a config up with `wg-quick up` inside a namespace, as the nodes do (addresses, MTU, routes
   * for the Allowed IPs, hooks); `wg-quick` starts `wireguard-go` itself when the kernel has no
   * WireGuard. The interface is named after a unique file name; `destroy()` brings it down.
   */
  async wgQuickUp(namespace: string, config: string): Promise<LabInterface> {
    const name = `hq${this.tag}${this.counter++}`;
    const path = await this.file(`${name}.conf`, config);
    this.quickInterfaces.push({ namespace, path });
    await sh("ip", ["netns", "exec", namespace, "wg-quick", "up", path]);
    return { namespace, name };
  }

  /** `wg show <iface> dump` parsed: the interface line and one line per peer. */
  async dump(iface: LabInterface): Promise<{ privateKey: string; publicKey: string; listenPort: number; peers: DumpPeer[] }> {
    const text = await sh("ip", ["netns", "exec", iface.namespace, "wg", "show", iface.name, "dump"]);
    const [head = "", ...rest] = text.trim().split("\n");
    const [privateKey = "", publicKey = "", listenPort = "0"] = head.split("\t");
    const peers = rest.map((line) => {
      const [key = "", psk = "", endpoint = "", allowed = "", handshake = "0", , , keepalive = "off"] = line.split("\t");
      return {
        publicKey: key,
        presharedKey: psk === "(none)" ? undefined : psk,
        endpoint: endpoint === "(none)" ? undefined : endpoint,
        allowedIps: allowed === "(none)" ? [] : allowed.split(","),
        latestHandshake: Number(handshake),
        persistentKeepalive: keepalive === "off" ? undefined : Number(keepalive),
      };
    });
    return { privateKey, publicKey, listenPort: Number(listenPort), peers };
  }

  /** Pings `address` from a namespace until `count` replies arrive or `deadlineSeconds` pass; true when they arrived. */
  async ping(namespace: string, address: string, count = 3, deadlineSeconds = 30): Promise<boolean> {
    try {
      await sh("ip", ["netns", "exec", namespace, "ping", "-n", "-q", "-c", String(count), "-i", "0.2", "-w", String(deadlineSeconds), address]);
      return true;
    } catch {
      return false;
    }
  }

  /** Stops every `wireguard-go`, deletes every namespace (and with it the veth links) and the temp folder. */
  async destroy(): Promise<void> {
    for (const iface of this.interfaces.splice(0)) {
      const child = iface.process;
      if (child && child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      }
      await rm(`/var/run/wireguard/${iface.name}.sock`, { force: true });
    }
    for (const quick of this.quickInterfaces.splice(0)) await sh("ip", ["netns", "exec", quick.namespace, "wg-quick", "down", quick.path]).catch(() => undefined);
    for (const namespace of this.namespaces.splice(0)) {
      // Whatever still runs in the namespace was started by this lab (wireguard-go forked by wg-quick).
      const pids = await sh("ip", ["netns", "pids", namespace]).catch(() => "");
      for (const pid of pids.split(/\s+/).filter(Boolean)) {
        try {
          process.kill(Number(pid), "SIGTERM");
        } catch {
          // already gone
        }
      }
      await sh("ip", ["netns", "delete", namespace]).catch(() => undefined);
    }
    if (this.directory) await rm(this.directory, { recursive: true, force: true });
    this.directory = undefined;
  }
}

/** One peer line of `wg show dump`. */
export interface DumpPeer {
  publicKey: string;
  presharedKey?: string;
  endpoint?: string;
  allowedIps: string[];
  latestHandshake: number;
  persistentKeepalive?: number;
}
