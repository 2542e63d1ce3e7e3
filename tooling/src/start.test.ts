/**
 * The README's quick start: `npm install`, then `npm start` at the repository root builds everything
 * and opens the designer on examples/homelab. The build half is what `npm test` has just done, so this
 * test runs the script's designer half exactly as written (through npm, in the repository) with
 * `--port 0`, and checks that the server it starts serves the designer app and the homelab project with
 * every component of it known and no problem.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { repositoryRoot } from "./workspace-packages.js";

const rootManifest = JSON.parse(readFileSync(join(repositoryRoot, "package.json"), "utf8")) as { scripts: Record<string, string> };
const homelab = join(repositoryRoot, "examples/homelab");

let designer: ChildProcess | undefined;

const running = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

/**
 * Stops the npm process group started by the test (npm, its shell and the designer) as Ctrl+C in a
 * terminal does; resolves when npm has exited (npm ends itself with the same signal, so no exit code).
 */
async function stop(child: ChildProcess): Promise<void> {
  if (!running(child)) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  process.kill(-child.pid!, "SIGINT");
  await exited;
}

afterAll(async () => {
  if (designer) await stop(designer);
});

describe("npm start", () => {
  it("builds, then runs the homelab example's designer script", () => {
    const parts = rootManifest.scripts.start!.split("&&").map((part) => part.trim());
    expect(parts).toEqual(["turbo run build", "npm run designer -w examples/homelab"]);
    const example = JSON.parse(readFileSync(join(homelab, "package.json"), "utf8")) as { scripts: Record<string, string> };
    expect(example.scripts.designer).toBe("highstate designer");
    // npm puts the workspace's bin folder on PATH; the runner's bin is linked there.
    expect(existsSync(join(repositoryRoot, "node_modules/.bin/highstate"))).toBe(true);
  });

  it("serves the designer on examples/homelab: the app, the homelab project, no problems", async () => {
    if (!existsSync(join(repositoryRoot, "runner/dist/cli/main.js")) || !existsSync(join(repositoryRoot, "designer/dist/index.html")))
      throw new Error("the runner and the designer must be built first (`npm run build`; `npm test` does it)");
    const designerCommand = rootManifest.scripts.start!.split("&&").at(-1)!.trim().split(/\s+/);
    const child = spawn(designerCommand[0]!, [...designerCommand.slice(1), "--", "--port", "0"], {
      cwd: repositoryRoot,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, HIGHSTATE_PASSWORD: "" },
    });
    designer = child;
    let output = "";
    child.stdout!.on("data", (chunk) => (output += chunk));
    child.stderr!.on("data", (chunk) => (output += chunk));
    const url = await new Promise<string>((resolve, reject) => {
      const check = () => {
        const match = /Open (http:\/\/127\.0\.0\.1:\d+\/)#token=(\S+)/.exec(output);
        if (match) resolve(`${match[1]}#token=${match[2]}`);
      };
      child.stdout!.on("data", check);
      child.once("exit", (code) => reject(new Error(`the designer exited (${code}) before printing its URL:\n${output}`)));
    });
    expect(output).toContain(`Highstate designer for "${homelab}"`);
    const [base, token] = url.split("#token=") as [string, string];
    const api = async <T>(path: string): Promise<T> => {
      const answer = await fetch(new URL(path, base), { headers: { authorization: `Bearer ${token}` } });
      expect(answer.status, path).toBe(200);
      return (await answer.json()) as T;
    };

    const page = await fetch(base);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<div id="root">/);
    const list = await api<{ projects: Array<{ name: string }> }>("/api/projects");
    expect(list.projects.map((project) => project.name)).toContain("homelab");
    const snapshot = await api<{ project: { instances: Array<{ id: string; type: string }> }; problems: unknown[] }>(
      "/api/projects/homelab",
    );
    const committed = JSON.parse(readFileSync(join(homelab, "projects/homelab.json"), "utf8")) as { instances: Array<{ id: string }> };
    expect(snapshot.project.instances.map((instance) => instance.id).sort()).toEqual(
      committed.instances.map((instance) => instance.id).sort(),
    );
    expect(snapshot.problems).toEqual([]);
    const registry = await api<{ components: Record<string, unknown> }>("/api/registry");
    for (const instance of snapshot.project.instances) expect(Object.keys(registry.components)).toContain(instance.type);

    await stop(child);
    expect(output).toContain("Stopped; the workspace lock is released.");
  }, 120_000);
});
