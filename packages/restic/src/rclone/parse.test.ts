import { describe, expect, it } from "vitest";
import { InvalidPathPatternError, InvalidRcloneConfigError, NoSuchRcloneRemoteError } from "./errors.js";
import { parseRcloneConfig, remoteHosts, renderRcloneConfig, selectRcloneRemote } from "./parse.js";
import { resolvePathPattern, validatePathPattern } from "./path-pattern.js";

// As `rclone config` writes it: two independent remotes and a crypt remote wrapping one of them.
const written = `[b2-backups]
type = b2
account = 0012345
key = K001secretsecret
hard_delete = true

; a local remote
[scratch]
type = local

[secure]
type = crypt
remote = b2-backups:bucket/encrypted
password = obscured-password
`;

function error(action: () => unknown): Error {
  try {
    action();
  } catch (caught) {
    return caught as Error;
  }
  throw new Error("expected an error");
}

describe("parseRcloneConfig", () => {
  it("reads sections, options and comments as rclone writes them, CRLF included", () => {
    const config = parseRcloneConfig(written.replace(/\n/g, "\r\n"));
    expect(config.remotes.map((remote) => [remote.name, remote.type])).toEqual([
      ["b2-backups", "b2"],
      ["scratch", "local"],
      ["secure", "crypt"],
    ]);
    expect(config.remotes[0]!.options).toEqual({ type: "b2", account: "0012345", key: "K001secretsecret", hard_delete: "true" });
  });

  it("keeps values with '=' and JSON tokens whole", () => {
    const config = parseRcloneConfig('[gd]\ntype = drive\ntoken = {"access_token":"a=b","expiry":"2026-01-01T00:00:00Z"}\n');
    expect(config.remotes[0]!.options.token).toBe('{"access_token":"a=b","expiry":"2026-01-01T00:00:00Z"}');
  });

  it("round-trips through renderRcloneConfig", () => {
    const config = parseRcloneConfig(written);
    expect(parseRcloneConfig(renderRcloneConfig(config.remotes))).toEqual(config);
  });

  it("rejects bad files naming the source, the line and what to do, never echoing a credential", () => {
    const where = 'secret "rcloneConfig" of "backups"';
    expect(error(() => parseRcloneConfig("", where)).message).toMatch(
      /secret "rcloneConfig" of "backups" has no remotes: paste the "\[name\]" section/,
    );
    const garbage = error(() => parseRcloneConfig("[r]\ntype = s3\nsecret_access_key_without_equals_sign_here\n", where));
    expect(garbage).toBeInstanceOf(InvalidRcloneConfigError);
    expect((garbage as InvalidRcloneConfigError).line).toBe(3);
    expect(garbage.message).toMatch(/line 3: expected a "\[remote\]" section or a "key = value" line/);
    expect(garbage.message).not.toContain("without_equals_sign_here");
    expect(error(() => parseRcloneConfig("type = s3\n", where)).message).toMatch(
      /line 1: option "type" comes before any "\[remote\]" section/,
    );
    expect(error(() => parseRcloneConfig("[a]\ntype = s3\n[a]\ntype = b2\n", where)).message).toMatch(
      /line 3: remote "a" is defined twice/,
    );
    expect(error(() => parseRcloneConfig("[a]\nprovider = AWS\n", where)).message).toMatch(/remote "a" \(line 1\) has no "type = …" line/);
    expect(error(() => parseRcloneConfig("[-bad]\ntype = s3\n", where)).message).toMatch(/"\[-bad\]" is not a valid remote name/);
    expect(error(() => parseRcloneConfig("[a]\ntype = s3\ntype = b2\n", where)).message).toMatch(
      /option "type" of remote "a" is set twice/,
    );
  });

  it("explains that an encrypted config cannot be used", () => {
    const encrypted = "# Encrypted rclone configuration File\n\nRCLONE_ENCRYPT_V0:\nabcdef==\n";
    expect(error(() => parseRcloneConfig(encrypted)).message).toMatch(/encrypted with an rclone config password.*Unencrypt configuration/);
  });
});

describe("selectRcloneRemote", () => {
  const config = parseRcloneConfig(written);

  it("lists the remotes when the choice is ambiguous or the name is unknown", () => {
    const ambiguous = error(() => selectRcloneRemote(config, undefined, "the config"));
    expect(ambiguous).toBeInstanceOf(NoSuchRcloneRemoteError);
    expect(ambiguous.message).toBe(
      'the config has several remotes ("b2-backups", "scratch", "secure"): set "remoteName" to the one restic should use',
    );
    expect((ambiguous as NoSuchRcloneRemoteError).available).toEqual(["b2-backups", "scratch", "secure"]);
    expect(error(() => selectRcloneRemote(config, "s3", "the config")).message).toBe(
      'the config has no remote "s3"; it has "b2-backups", "scratch", "secure": set "remoteName" to one of them',
    );
  });

  it("keeps a wrapping remote together with the remote it wraps, and nothing else", () => {
    const selected = selectRcloneRemote(config, "secure");
    expect(selected.remote.name).toBe("secure");
    expect(selected.remotes.map((remote) => remote.name)).toEqual(["b2-backups", "secure"]);
    expect(selected.config).not.toContain("[scratch]");
    expect(parseRcloneConfig(selected.config).remotes).toHaveLength(2);
  });

  it("picks the only remote that no other remote wraps", () => {
    const pair = parseRcloneConfig("[store]\ntype = sftp\nhost = backup.example.com\n\n[enc]\ntype = crypt\nremote = store:restic\n");
    expect(selectRcloneRemote(pair, undefined).remote.name).toBe("enc");
    const single = parseRcloneConfig("[only]\ntype = local\n");
    expect(selectRcloneRemote(single, undefined).config).toBe("[only]\ntype = local\n");
  });

  it("follows union and combine upstreams and rejects a wrapped remote that is missing", () => {
    const union = parseRcloneConfig(
      "[a]\ntype = local\n[b]\ntype = local\n[u]\ntype = union\nupstreams = a:x b:y:ro\n[c]\ntype = combine\nupstreams = one=a:1 two=b:2\n",
    );
    expect(selectRcloneRemote(union, "u").remotes.map((remote) => remote.name)).toEqual(["a", "b", "u"]);
    expect(selectRcloneRemote(union, "c").remotes.map((remote) => remote.name)).toEqual(["a", "b", "c"]);
    const broken = parseRcloneConfig("[enc]\ntype = crypt\nremote = gone:path\n");
    expect(error(() => selectRcloneRemote(broken, "enc")).message).toMatch(
      /remote "enc" uses remote "gone", which the file does not define/,
    );
  });
});

describe("remoteHosts", () => {
  it("reads endpoints and knows the hosts of common backends", () => {
    const config = parseRcloneConfig(
      "[minio]\ntype = s3\nprovider = Minio\nendpoint = http://minio.local:9000\n\n[aws]\ntype = s3\nprovider = AWS\nregion = eu-west-1\n\n[box]\ntype = sftp\nhost = 192.0.2.10\n\n[b2]\ntype = b2\n",
    );
    expect(remoteHosts(config.remotes)).toEqual(["192.0.2.10", "api.backblazeb2.com", "minio.local", "s3.eu-west-1.amazonaws.com"]);
  });
});

describe("path patterns", () => {
  it("resolves the variables in both spellings", () => {
    const values = { clusterName: "prod", appName: "postgresql", instanceName: "db-main" };
    expect(resolvePathPattern("backups/$clusterName/$appName", values)).toBe("backups/prod/postgresql");
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal path pattern, not a template.
    expect(resolvePathPattern("bucket/${instanceName}-data", values)).toBe("bucket/db-main-data");
  });

  it("rejects unknown variables, unsafe characters and climbing segments", () => {
    expect(error(() => validatePathPattern("b/$cluster", 'arg "pathPattern"'))).toBeInstanceOf(InvalidPathPatternError);
    expect(error(() => validatePathPattern("b/$cluster", 'arg "pathPattern"')).message).toBe(
      'arg "pathPattern" "b/$cluster" uses "$cluster", which is not a variable: use $clusterName, $appName, $instanceName',
    );
    expect(error(() => validatePathPattern("b/../$appName")).message).toMatch(/"\." or "\.\." path segment/);
    expect(error(() => validatePathPattern("b//$appName")).message).toMatch(/empty/);
    expect(error(() => validatePathPattern("remote:b/$appName")).message).toMatch(/colon/);
    expect(error(() => validatePathPattern("b/$")).message).toMatch(/does not start a variable/);
    expect(() => validatePathPattern("/srv/restic/$appName/")).not.toThrow();
  });

  it("refuses values that are not plain names", () => {
    expect(error(() => resolvePathPattern("b/$appName", { clusterName: "c", appName: "../x", instanceName: "i" })).message).toMatch(
      /\$appName is "\.\.\/x"/,
    );
  });
});
