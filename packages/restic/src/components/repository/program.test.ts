import type { Unit } from "@highstate/pulumi";
import { runError, testUnit } from "@highstate/pulumi/test";
import { beforeAll, describe, expect, it } from "vitest";
import { resticRepositorySchema } from "../../entities/repository.js";
import type { resticRepository } from "./definition.js";

let unit: Unit<typeof resticRepository>;

beforeAll(async () => {
  unit = (await import("./program.js")).default;
});

const twoRemotes = `[s3-main]
type = s3
provider = Minio
access_key_id = AKIAEXAMPLE
secret_access_key = super-secret-key
endpoint = https://minio.example.com

[old-sftp]
type = sftp
host = backup.example.org
user = restic
`;

describe("Restic Repo", () => {
  it("outputs the only remote of the config with the default path pattern, creating no resources", async () => {
    const result = await testUnit(unit, { name: "backups", secrets: { rcloneConfig: "[store]\ntype = b2\naccount = 1\nkey = k\n" } });
    expect(result.resources).toEqual([]);
    expect(resticRepositorySchema.parse(result.outputs.repo)).toEqual({
      type: "rclone",
      remoteName: "store",
      remoteType: "b2",
      rcloneConfig: "[store]\ntype = b2\naccount = 1\nkey = k\n",
      pathPattern: "backups/$clusterName/$appName",
      remoteEndpoints: ["api.backblazeb2.com"],
    });
    expect(result.outputs.$statusFields).toEqual([
      { name: "remoteName", title: "Remote", value: "store", secret: false },
      { name: "remoteType", title: "Remote Type", value: "b2", secret: false },
      { name: "pathPattern", title: "Path Pattern", value: "backups/$clusterName/$appName", secret: false },
      { name: "remoteEndpoints", title: "Endpoints", value: "api.backblazeb2.com", secret: false },
    ]);
  });

  it("keeps the config secret and passes on only the selected remote", async () => {
    const result = await testUnit(unit, {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal path pattern, not a template.
      args: { remoteName: "s3-main", pathPattern: "restic/${instanceName}", remoteEndpoints: ["minio-2.example.com"] },
      secrets: { rcloneConfig: twoRemotes },
    });
    expect(result.secretOutputs).toContain("repo");
    expect(result.secretOutputs).not.toContain("$statusFields");
    const repo = resticRepositorySchema.parse(result.outputs.repo);
    expect(repo.rcloneConfig).toContain("[s3-main]");
    expect(repo.rcloneConfig).not.toContain("old-sftp");
    expect(repo.remoteEndpoints).toEqual(["minio-2.example.com", "minio.example.com"]);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal path pattern, not a template.
    expect(repo.pathPattern).toBe("restic/${instanceName}");
    expect(JSON.stringify(result.outputs.$statusFields)).not.toContain("super-secret-key");
  });

  it("asks for remoteName when the config has several remotes, listing them", async () => {
    const error = await runError(testUnit(unit, { name: "backups", secrets: { rcloneConfig: twoRemotes } }));
    expect(error.message).toMatch(/secret "rcloneConfig" of "backups" has several remotes \("s3-main", "old-sftp"\): set "remoteName"/);
    const unknown = await runError(testUnit(unit, { name: "backups", args: { remoteName: "gcs" }, secrets: { rcloneConfig: twoRemotes } }));
    expect(unknown.message).toMatch(/has no remote "gcs"; it has "s3-main", "old-sftp"/);
  });

  it("rejects a bad path pattern and a config that is not an rclone config", async () => {
    const pattern = await runError(
      testUnit(unit, { name: "backups", args: { pathPattern: "b/$app" }, secrets: { rcloneConfig: "[a]\ntype = local\n" } }),
    );
    expect(pattern.message).toMatch(/arg "pathPattern" of "backups" "b\/\$app" uses "\$app", which is not a variable/);
    const config = await runError(testUnit(unit, { name: "backups", secrets: { rcloneConfig: "just some text" } }));
    expect(config.message).toMatch(/secret "rcloneConfig" of "backups" line 1: expected a "\[remote\]" section/);
  });

  it("requires the rclone config secret", async () => {
    const error = await runError(testUnit(unit, { name: "backups" }));
    expect(error.message).toMatch(/rcloneConfig/);
  });
});
