import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fillData, hook, missing, restic, runScript, sandbox, snapshots, tree, wipe } from "./__fixtures__/script-sandbox.js";

if (missing.length > 0)
  console.warn(`Skipping the kit script tests: ${missing.join(" and ")} not on PATH (install Debian's restic and rclone).`);

describe.skipIf(missing.length > 0)("restore.sh with real restic and rclone", () => {
  it("back up a data dir, wipe it, restore it byte for byte", () => {
    const box = sandbox();
    fillData(box.data);
    mkdirSync(join(box.data, "lost+found"));
    expect(runScript("restore.sh", box.env).status).toBe(0); // first start: no repository yet, volume has data
    const before = tree(box.data, [".highstate-restore", "lost+found"]);

    const backup = runScript("backup.sh", box.env);
    expect(backup.status, backup.output).toBe(0);
    expect(backup.output).toContain("creating the repository");
    expect(snapshots(box)).toHaveLength(1);
    // Neither the marker nor lost+found is backed up.
    const listed = restic(box, ["ls", "latest", "--no-lock"]);
    expect(listed).not.toContain(".highstate-restore");
    expect(listed).not.toContain("lost+found");

    wipe(box.data);
    mkdirSync(join(box.data, "lost+found")); // a fresh ext4 volume is not empty, but counts as empty
    hook(
      box,
      "post-restore",
      'test -f "$DATA_DIR/PG_VERSION"; test ! -f "$DATA_DIR/.highstate-restore"; echo done > "$DATA_DIR/../hook-ran"',
    );
    const restore = runScript("restore.sh", box.env);
    expect(restore.status, restore.output).toBe(0);
    expect(restore.output).toMatch(/restored snapshot [0-9a-f]{64}/);
    expect(tree(box.data, [".highstate-restore", "lost+found"])).toEqual(before);
    expect(readFileSync(join(box.data, ".highstate-restore"), "utf8")).toMatch(/^restored [0-9a-f]{64} /);
    expect(existsSync(join(box.data, ".highstate-restore-staging"))).toBe(false);
    // The post-restore hook ran with the data in place and before the marker let the app start.
    expect(readFileSync(join(box.root, "hook-ran"), "utf8")).toBe("done\n");
  });

  it("skips the restore when the volume holds data, even with a snapshot to restore", () => {
    const box = sandbox();
    writeFileSync(join(box.data, "old"), "from the snapshot");
    writeFileSync(join(box.data, ".highstate-restore"), "existing-data");
    expect(runScript("backup.sh", box.env).status).toBe(0);
    wipe(box.data);
    writeFileSync(join(box.data, "new"), "written by the app");
    const restore = runScript("restore.sh", box.env);
    expect(restore.status, restore.output).toBe(0);
    expect(restore.output).toContain("already holds data; not restoring over it");
    expect(readdirSync(box.data).sort()).toEqual([".highstate-restore", "new"]);
    expect(readFileSync(join(box.data, ".highstate-restore"), "utf8")).toMatch(/^existing-data /);
  });

  it("starts clean when there is no repository or no snapshot of this app", () => {
    const box = sandbox();
    const first = runScript("restore.sh", box.env);
    expect(first.status, first.output).toBe(0);
    expect(first.output).toContain("there is no repository");
    expect(readFileSync(join(box.data, ".highstate-restore"), "utf8")).toMatch(/^no-repository /);
    expect(existsSync(box.repository)).toBe(false); // restore never creates the repository

    // Another app's snapshot in the same repository is not this app's data.
    writeFileSync(join(box.data, "other"), "x");
    expect(runScript("backup.sh", { ...box.env, RESTIC_HOST: "other-app" }).status).toBe(0);
    wipe(box.data);
    const second = runScript("restore.sh", box.env);
    expect(second.status, second.output).toBe(0);
    expect(second.output).toContain('no snapshot of host "db"');
    expect(readdirSync(box.data)).toEqual([".highstate-restore"]);
  });

  it("fails instead of starting clean when the remote cannot be listed", () => {
    const box = sandbox();
    const config = join(box.root, "broken.conf");
    writeFileSync(config, "[store]\ntype = sftp\nhost = 127.0.0.1\nport = 1\nuser = nobody\n");
    const restore = runScript("restore.sh", { ...box.env, RCLONE_CONFIG: config });
    expect(restore.status).toBe(1);
    expect(restore.output).toContain("cannot list the repository location");
    expect(existsSync(join(box.data, ".highstate-restore"))).toBe(false);
  });

  it("finishes a restore interrupted after restic completed, and redoes one interrupted before", () => {
    const box = sandbox();
    // As left by a restore stopped after restic finished and one entry was moved: no restic needed.
    mkdirSync(join(box.data, ".highstate-restore-staging"));
    writeFileSync(join(box.data, ".highstate-restore-staging", "b"), "beta");
    writeFileSync(join(box.data, "a"), "alpha");
    writeFileSync(join(box.data, ".highstate-restore-pending"), "abc123\n");
    const finished = runScript("restore.sh", box.env);
    expect(finished.status, finished.output).toBe(0);
    expect(finished.output).toContain("finishing the interrupted restore of snapshot abc123");
    expect(readdirSync(box.data).sort()).toEqual([".highstate-restore", "a", "b"]);
    expect(readFileSync(join(box.data, ".highstate-restore"), "utf8")).toMatch(/^restored abc123 /);

    // As left by a restore stopped while restic was writing: the partial staging is thrown away.
    expect(runScript("backup.sh", box.env).status).toBe(0);
    wipe(box.data);
    mkdirSync(join(box.data, ".highstate-restore-staging"));
    writeFileSync(join(box.data, ".highstate-restore-staging", "partial"), "half");
    const redone = runScript("restore.sh", box.env);
    expect(redone.status, redone.output).toBe(0);
    expect(readdirSync(box.data).sort()).toEqual([".highstate-restore", "a", "b"]);
  });
});
