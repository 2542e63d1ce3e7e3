/** backup.sh run for real with `restic` and `rclone` against a local rclone remote in a temp dir (skipped, with the reason printed, when either is missing). */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hook, kitScriptsDir, missing, restic, runScript, sandbox, snapshots, wipe } from "./__fixtures__/script-sandbox.js";

if (missing.length > 0)
  console.warn(`Skipping the kit script tests: ${missing.join(" and ")} not on PATH (install Debian's restic and rclone).`);

describe.skipIf(missing.length > 0)("backup.sh with real restic and rclone", () => {
  it("refuses to back up a volume whose restore never finished", () => {
    const box = sandbox();
    writeFileSync(join(box.data, "file"), "x");
    const result = runScript("backup.sh", box.env);
    expect(result.status).toBe(1);
    expect(result.output).toContain("its restore never finished");
    expect(existsSync(box.repository)).toBe(false);
  });

  it("runs the unlock hook when a later step fails", () => {
    const box = sandbox();
    writeFileSync(join(box.data, "file"), "x");
    writeFileSync(join(box.data, ".highstate-restore"), "x");
    hook(box, "lock", 'echo locked >> "$DATA_DIR/../events"');
    hook(box, "online-backup", 'echo dumping >> "$DATA_DIR/../events"; exit 3');
    hook(box, "unlock", 'echo unlocked >> "$DATA_DIR/../events"');
    const failedHook = runScript("backup.sh", box.env);
    expect(failedHook.status).toBe(1);
    expect(failedHook.output).toContain("the online backup hook failed");
    expect(readFileSync(join(box.root, "events"), "utf8")).toBe("locked\ndumping\nunlocked\n");

    // restic itself failing (an unknown flag) unlocks too, and so does a failing lock hook.
    rmSync(join(box.hooks, "online-backup.sh"));
    rmSync(join(box.root, "events"));
    const failedRestic = runScript("backup.sh", { ...box.env, BACKUP_ARGS: "--no-such-flag" });
    expect(failedRestic.status).toBe(1);
    expect(readFileSync(join(box.root, "events"), "utf8")).toBe("locked\nunlocked\n");
    hook(box, "lock", 'echo locking >> "$DATA_DIR/../events"; exit 1');
    rmSync(join(box.root, "events"));
    expect(runScript("backup.sh", box.env).status).toBe(1);
    expect(readFileSync(join(box.root, "events"), "utf8")).toBe("locking\nunlocked\n");
  });

  it("runs the unlock hook when the job is stopped while a hook runs", async () => {
    const box = sandbox();
    writeFileSync(join(box.data, ".highstate-restore"), "x");
    hook(box, "online-backup", 'echo started > "$DATA_DIR/../started"; exec sleep 600');
    hook(box, "unlock", 'echo unlocked > "$DATA_DIR/../unlocked"');
    const child: ChildProcess = spawn("sh", [join(kitScriptsDir(), "backup.sh")], { env: box.env, stdio: "ignore" });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    await expect.poll(() => existsSync(join(box.root, "started")), { timeout: 30_000 }).toBe(true);
    child.kill("SIGTERM");
    expect(await exited).toBe(143);
    expect(readFileSync(join(box.root, "unlocked"), "utf8")).toBe("unlocked\n");
  });

  it("applies the retention policy to this app's snapshots only, and skips an empty volume", () => {
    const box = sandbox();
    writeFileSync(join(box.data, ".highstate-restore"), "x");
    const empty = runScript("backup.sh", box.env);
    expect(empty.status, empty.output).toBe(0);
    expect(empty.output).toContain("the volume is empty; nothing to back up");
    writeFileSync(join(box.data, "counter"), "0");
    expect(runScript("backup.sh", { ...box.env, RESTIC_HOST: "neighbour" }).status).toBe(0);
    writeFileSync(join(box.data, "counter"), "1");
    expect(runScript("backup.sh", { ...box.env, RETENTION: "--keep-last 2" }).status).toBe(0);
    const oldest = snapshots(box).find((snapshot) => snapshot.hostname === "db")!.id;
    for (const round of [2, 3]) {
      writeFileSync(join(box.data, "counter"), String(round));
      const result = runScript("backup.sh", { ...box.env, RETENTION: "--keep-last 2" });
      expect(result.status, result.output).toBe(0);
    }
    const remaining = snapshots(box);
    const own = remaining.filter((snapshot) => snapshot.hostname === "db").map((snapshot) => snapshot.id);
    expect(own).toHaveLength(2);
    expect(own).not.toContain(oldest);
    expect(remaining.filter((snapshot) => snapshot.hostname === "neighbour")).toHaveLength(1);
  });

  it("fails clearly on a wrong password instead of starting clean", () => {
    const box = sandbox();
    writeFileSync(join(box.data, "file"), "x");
    writeFileSync(join(box.data, ".highstate-restore"), "x");
    expect(runScript("backup.sh", box.env).status).toBe(0);
    const wrong = join(box.root, "wrong-password");
    writeFileSync(wrong, "not the password");
    const backup = runScript("backup.sh", { ...box.env, RESTIC_PASSWORD_FILE: wrong });
    expect(backup.status).toBe(1);
    expect(backup.output).toContain("the backup password does not open the repository");
    wipe(box.data);
    const restore = runScript("restore.sh", { ...box.env, RESTIC_PASSWORD_FILE: wrong });
    expect(restore.status).toBe(1);
    expect(restore.output).toContain("the backup password does not open the repository");
    expect(existsSync(join(box.data, ".highstate-restore"))).toBe(false); // the app stays gated
  });

  it("recovers a repository locked by a process that died", async () => {
    const box = sandbox();
    writeFileSync(join(box.data, "file"), "x");
    writeFileSync(join(box.data, ".highstate-restore"), "x");
    expect(runScript("backup.sh", box.env).status).toBe(0);
    // A backup from stdin holds its lock while it waits for input; then it is killed without cleanup.
    const holder = spawn("restic", ["backup", "--stdin", "--host", "db"], { env: box.env, stdio: ["pipe", "ignore", "ignore"] });
    const killed = new Promise((resolve) => holder.on("exit", resolve));
    const locks = join(box.repository, "locks");
    await expect.poll(() => readdirSync(locks).length, { timeout: 30_000 }).toBe(1);
    holder.kill("SIGKILL");
    await killed;
    // The stale lock blocks an exclusive operation…
    expect(() => restic(box, ["forget", "--keep-last", "1", "--prune"], {})).toThrow();
    // …but the backup script removes it and applies the retention policy.
    const result = runScript("backup.sh", { ...box.env, RETENTION: "--keep-last 1" });
    expect(result.status, result.output).toBe(0);
    expect(readdirSync(locks)).toEqual([]);
    expect(snapshots(box)).toHaveLength(1);
  });
});
