import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../cli/__fixtures__/cli-harness.js";
import { testdir } from "../test-utils/testdir.js";
import { componentExport, domainFromName, templateFiles } from "./template.js";

describe("the component package template", () => {
  it("derives the type-id domain from the package name", () => {
    expect(domainFromName("@acme/highstate-dns")).toBe("dns");
    expect(domainFromName("widgets-highstate")).toBe("widgets");
    expect(domainFromName("@highstate/cert-manager")).toBe("cert-manager");
  });

  it("exports each component's program and names it in the component's source", () => {
    const files = templateFiles({ name: "@acme/highstate-dns", domain: "dns", contractRange: "^1.2.0", pulumiRange: "^1.3.0" });
    const pkg = JSON.parse(files["package.json"]!) as Record<string, Record<string, unknown>>;
    expect(pkg.exports!["./message"]).toEqual(componentExport("message"));
    expect(pkg.dependencies).toEqual({ "@highstate/contract": "^1.2.0", "@highstate/pulumi": "^1.3.0" });
    expect(pkg.peerDependencies).toEqual({ "@pulumi/pulumi": "^3.200.0", zod: "^4.1.0" });
    expect(files["src/components/message/definition.ts"]).toContain('source: { package: "@acme/highstate-dns", path: "message" }');
    expect(files["src/components/message/definition.ts"]).toContain('type: "dns.message.v1"');
    expect(files["src/index.ts"]).not.toMatch(/@pulumi|@highstate\/pulumi/);
  });
});

describe("highstate create-package", () => {
  it("writes the package, and refuses a bad name, a bad domain and a directory that is not empty", async () => {
    const dir = await testdir({});
    const created = await runCli(["create-package", "@acme/highstate-dns", "--domain", "acme-dns"], { cwd: dir });
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain(`Created @acme/highstate-dns in "${join(dir, "highstate-dns")}":`);
    expect(await readFile(join(dir, "highstate-dns/src/entities/greeting.ts"), "utf8")).toContain('type: "acme-dns.greeting.v1"');

    const again = await runCli(["create-package", "@acme/highstate-dns"], { cwd: dir });
    expect([again.code, again.stderr]).toEqual([
      1,
      `Error: "${join(dir, "highstate-dns")}" is not empty; choose a new directory with --dir\n`,
    ]);
    const badName = await runCli(["create-package", "Acme DNS"], { cwd: dir });
    expect(badName.code).toBe(1);
    expect(badName.stderr).toContain('"Acme DNS" is not a valid npm package name');
    const badDomain = await runCli(["create-package", "dns", "--domain", "DNS", "--dir", "other"], { cwd: dir });
    expect(badDomain.stderr).toContain('"DNS" cannot start a type id');
  });

  it("lays a package out for this repository with --monorepo", async () => {
    const dir = await testdir({});
    const created = await runCli(["create-package", "@highstate/example", "--dir", "packages/example", "--monorepo", "--json"], {
      cwd: dir,
    });
    expect(created.code, created.stderr).toBe(0);
    const { files } = JSON.parse(created.stdout) as { files: string[] };
    expect(files).not.toContain("vitest.config.ts");
    expect(JSON.parse(await readFile(join(dir, "packages/example/tsconfig.json"), "utf8"))).toEqual({
      extends: "../../tsconfig.base.json",
      include: ["src"],
    });
  });
});
