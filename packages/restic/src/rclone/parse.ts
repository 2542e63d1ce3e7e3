import { InvalidRcloneConfigError, NoSuchRcloneRemoteError } from "./errors.js";

/** One remote (`[name]` section) of an `rclone.conf`. */
export interface RcloneRemote {
  /** The section name, used as `<name>:path` in rclone and restic. */
  name: string;
  /** The backend type (`s3`, `b2`, `sftp`, `crypt`, …), from the section's `type` line. */
  type: string;
  /** Every `key = value` line of the section, `type` included, in file order. */
  options: Record<string, string>;
}

/** A parsed `rclone.conf`: its remotes in file order. */
export interface RcloneConfig {
  remotes: RcloneRemote[];
}

// rclone accepts letters, digits, `_`, `-`, `.`, `+`, `@` and spaces, not at the start (space, dash) or the end (space).
const remoteNamePattern = /^[\p{L}\p{N}_.+@][\p{L}\p{N}_.+@ -]*$/u;
const optionKeyPattern = /^[A-Za-z0-9_-]+$/;

/** Options whose value names other remotes (`crypt`, `alias`, `chunker`, `compress`, `hasher`, `cache`, `union`, `combine`). */
const wrappingOptions = ["remote", "upstreams"];

/**
 * Parses an `rclone.conf` as `rclone config` writes it: `[name]` sections of `key = value` lines,
 * `#` and `;` comments, blank lines. `where` names the source in errors (e.g. `secret "rcloneConfig"
 * of "backups"`).
 *
 * @throws InvalidRcloneConfigError for an encrypted file, a line that is not a section or an option,
 *   a duplicate section or option, a section without `type`, or a file without remotes.
 */
export function parseRcloneConfig(text: string, where = "the rclone config"): RcloneConfig {
  const lines = text.replace(/^\uFEFF/, "").split(/\r\n|\r|\n/);
  if (lines.some((line) => line.trim().startsWith("RCLONE_ENCRYPT_V"))) {
    throw new InvalidRcloneConfigError(
      `${where} is encrypted with an rclone config password, which backup jobs cannot enter: remove the password (rclone config → "s) Set configuration password" → "u) Unencrypt configuration") and paste the file again`,
    );
  }
  const remotes: RcloneRemote[] = [];
  const lineOf = new Map<RcloneRemote, number>();
  let current: RcloneRemote | undefined;
  lines.forEach((raw, index) => {
    const lineNumber = index + 1;
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) return;
    const section = /^\[(.*)\]$/.exec(line);
    if (section) {
      const name = section[1]!;
      if (!remoteNamePattern.test(name) || name.endsWith(" ")) {
        throw new InvalidRcloneConfigError(
          `${where} line ${lineNumber}: "[${name}]" is not a valid remote name: use letters, digits, "_", "-", ".", "+", "@" and spaces, not starting with "-" or a space`,
          lineNumber,
        );
      }
      if (remotes.some((remote) => remote.name === name)) {
        throw new InvalidRcloneConfigError(
          `${where} line ${lineNumber}: remote "${name}" is defined twice: keep one of the sections`,
          lineNumber,
        );
      }
      current = { name, type: "", options: {} };
      remotes.push(current);
      lineOf.set(current, lineNumber);
      return;
    }
    const equals = line.indexOf("=");
    if (equals <= 0) {
      throw new InvalidRcloneConfigError(
        `${where} line ${lineNumber}: expected a "[remote]" section or a "key = value" line, got "${truncate(line)}"`,
        lineNumber,
      );
    }
    const key = line.slice(0, equals).trim();
    const value = line.slice(equals + 1).trim();
    if (!current) {
      throw new InvalidRcloneConfigError(`${where} line ${lineNumber}: option "${key}" comes before any "[remote]" section`, lineNumber);
    }
    if (!optionKeyPattern.test(key)) {
      throw new InvalidRcloneConfigError(`${where} line ${lineNumber}: "${truncate(key)}" is not a valid option name`, lineNumber);
    }
    if (key in current.options) {
      throw new InvalidRcloneConfigError(
        `${where} line ${lineNumber}: option "${key}" of remote "${current.name}" is set twice`,
        lineNumber,
      );
    }
    current.options[key] = value;
    if (key === "type") current.type = value;
  });
  if (remotes.length === 0) {
    throw new InvalidRcloneConfigError(
      `${where} has no remotes: paste the "[name]" section of your remote from rclone.conf (run "rclone config file" to find the file)`,
    );
  }
  for (const remote of remotes) {
    if (remote.type === "") {
      throw new InvalidRcloneConfigError(
        `${where}: remote "${remote.name}" (line ${lineOf.get(remote)}) has no "type = …" line`,
        lineOf.get(remote),
      );
    }
  }
  return { remotes };
}

function truncate(text: string): string {
  // Never echo a whole line: it may hold a credential.
  return text.length > 24 ? `${text.slice(0, 20)}…` : text;
}

/** The remote names another remote's options point at (`remote = other:path`, `upstreams = a:x b:y`). */
export function referencedRemotes(remote: RcloneRemote): string[] {
  const names: string[] = [];
  for (const key of wrappingOptions) {
    const value = remote.options[key];
    if (!value) continue;
    for (const token of value.split(/\s+/)) {
      // combine's upstreams are `dir=remote:path`; union's may end in a policy suffix such as `:ro`.
      const target = token.includes("=") ? token.slice(token.indexOf("=") + 1) : token;
      const colon = target.indexOf(":");
      if (colon > 0) names.push(target.slice(0, colon));
    }
  }
  return names;
}

/** What {@link selectRcloneRemote} chose. */
export interface SelectedRemote {
  /** The remote restic uses. */
  remote: RcloneRemote;
  /** The chosen remote and every remote it wraps (transitively), in file order. */
  remotes: RcloneRemote[];
  /** An `rclone.conf` holding only {@link remotes}. */
  config: string;
}

/**
 * Chooses the remote to use. With `remoteName`, that remote; without, the only remote of the file
 * (remotes wrapped by another one, such as the storage under a `crypt` remote, do not count). The
 * result keeps only what the chosen remote needs, so credentials of unrelated remotes are not passed on.
 *
 * @throws NoSuchRcloneRemoteError when the named remote is missing or the choice is ambiguous, listing the remotes.
 * @throws InvalidRcloneConfigError when the chosen remote wraps a remote the file does not define.
 */
export function selectRcloneRemote(config: RcloneConfig, remoteName: string | undefined, where = "the rclone config"): SelectedRemote {
  const names = config.remotes.map((remote) => remote.name);
  const list = names.map((name) => `"${name}"`).join(", ");
  let remote: RcloneRemote | undefined;
  if (remoteName !== undefined) {
    remote = config.remotes.find((candidate) => candidate.name === remoteName);
    if (!remote) {
      throw new NoSuchRcloneRemoteError(`${where} has no remote "${remoteName}"; it has ${list}: set "remoteName" to one of them`, names);
    }
  } else {
    const wrapped = new Set(config.remotes.flatMap(referencedRemotes));
    const candidates = config.remotes.filter((candidate) => !wrapped.has(candidate.name));
    if (candidates.length !== 1) {
      throw new NoSuchRcloneRemoteError(`${where} has several remotes (${list}): set "remoteName" to the one restic should use`, names);
    }
    remote = candidates[0]!;
  }
  const needed = new Set<string>();
  const visit = (current: RcloneRemote, chain: string[]) => {
    if (needed.has(current.name)) return;
    needed.add(current.name);
    for (const name of referencedRemotes(current)) {
      const target = config.remotes.find((candidate) => candidate.name === name);
      if (!target) {
        throw new InvalidRcloneConfigError(
          `${where}: remote "${current.name}" uses remote "${name}", which the file does not define: paste its section too (${[...chain, current.name, name].join(" → ")})`,
        );
      }
      visit(target, [...chain, current.name]);
    }
  };
  visit(remote, []);
  const remotes = config.remotes.filter((candidate) => needed.has(candidate.name));
  return { remote, remotes, config: renderRcloneConfig(remotes) };
}

/** Writes remotes back in `rclone.conf` format. */
export function renderRcloneConfig(remotes: readonly RcloneRemote[]): string {
  const sections = remotes
    .map((remote) => [`[${remote.name}]`, ...Object.entries(remote.options).map(([key, value]) => `${key} = ${value}`)].join("\n"))
    .join("\n\n");
  return `${sections}\n`;
}

// API hosts of backends that have no endpoint option; used to allow egress to them.
const knownHosts: Record<string, string[]> = {
  b2: ["api.backblazeb2.com"],
  drive: ["www.googleapis.com", "oauth2.googleapis.com"],
  dropbox: ["api.dropboxapi.com", "content.dropboxapi.com"],
  onedrive: ["graph.microsoft.com", "login.microsoftonline.com"],
  yandex: ["cloud-api.yandex.net", "oauth.yandex.ru"],
  pcloud: ["api.pcloud.com"],
  mega: ["g.api.mega.co.nz"],
  box: ["api.box.com", "upload.box.com"],
};

/** The host names the remotes talk to, read from their `endpoint`, `url` and `host` options or known for their type. */
export function remoteHosts(remotes: readonly RcloneRemote[]): string[] {
  const hosts = new Set<string>();
  for (const remote of remotes) {
    for (const key of ["endpoint", "url", "host"]) {
      const value = remote.options[key];
      if (!value) continue;
      const host = hostOf(value);
      if (host) hosts.add(host);
    }
    if (remote.type === "s3" && !remote.options.endpoint && (remote.options.provider ?? "AWS") === "AWS") {
      hosts.add(remote.options.region ? `s3.${remote.options.region}.amazonaws.com` : "s3.amazonaws.com");
    }
    for (const host of knownHosts[remote.type] ?? []) hosts.add(host);
  }
  return [...hosts].sort();
}

function hostOf(value: string): string | undefined {
  try {
    return new URL(value.includes("://") ? value : `https://${value}`).hostname.replace(/^\[|\]$/g, "") || undefined;
  } catch {
    return undefined;
  }
}
