import { createRequire } from "node:module";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { testdir } from "../test-utils/testdir.js";
import { installFakePulumi } from "./__fixtures__/fake-pulumi-cli.js";
import { PulumiCliNotFoundError, PulumiCliUnusableError, PulumiInstallError } from "./errors.js";
import { checkPulumiCli, installPulumiCli, locatePulumiCli, PINNED_PULUMI_VERSION, pulumiVersionRoot } from "./pulumi-cli.js";

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("the pinned pulumi CLI", () => {
  it("pins the version of the installed @pulumi/pulumi SDK", () => {
    const sdk = createRequire(import.meta.url)("@pulumi/pulumi/package.json") as { version: string };
    expect(PINNED_PULUMI_VERSION).toBe(sdk.version);
  });

  it("finds a CLI on PATH and reports its version for doctor", async () => {
    const root = await testdir();
    const fake = await installFakePulumi(root);
    const check = await checkPulumiCli({ path: fake.binDir, homeDir: join(root, "home") });
    expect(check).toMatchObject({
      ok: true,
      pinnedVersion: PINNED_PULUMI_VERSION,
      command: join(fake.binDir, "pulumi"),
      version: PINNED_PULUMI_VERSION,
      matchesPinned: true,
    });
    expect(check.problem).toBeUndefined();
  });

  it("prefers the pinned installation in the home directory over PATH", async () => {
    const root = await testdir();
    const onPath = await installFakePulumi(join(root, "path"), { version: "3.200.0" });
    const installed = await installFakePulumi(pulumiVersionRoot(PINNED_PULUMI_VERSION, join(root, "home")));
    const cli = await locatePulumiCli({ path: onPath.binDir, homeDir: join(root, "home") });
    expect(cli).toEqual({ command: join(installed.binDir, "pulumi"), version: PINNED_PULUMI_VERSION, pinned: true });
  });

  it("accepts another recent version but tells doctor it is not the pinned one", async () => {
    const root = await testdir();
    const fake = await installFakePulumi(root, { version: "3.200.0" });
    const check = await checkPulumiCli({ path: fake.binDir, homeDir: join(root, "home") });
    expect(check).toMatchObject({ ok: true, version: "3.200.0", matchesPinned: false });
    expect(check.problem).toContain(`tested with ${PINNED_PULUMI_VERSION}`);
  });

  it("refuses a CLI older than the minimum", async () => {
    const root = await testdir();
    const fake = await installFakePulumi(root, { version: "3.100.0" });
    await expect(locatePulumiCli({ path: fake.binDir, homeDir: join(root, "home") })).rejects.toBeInstanceOf(PulumiCliUnusableError);
    const check = await checkPulumiCli({ path: fake.binDir, homeDir: join(root, "home") });
    expect(check.ok).toBe(false);
    expect(check.problem).toContain("older than the minimum");
  });

  it("reports a missing CLI with how to install it", async () => {
    const root = await testdir();
    await expect(locatePulumiCli({ path: join(root, "nothing"), homeDir: join(root, "home") })).rejects.toBeInstanceOf(
      PulumiCliNotFoundError,
    );
    const check = await checkPulumiCli({ path: join(root, "nothing"), homeDir: join(root, "home") });
    expect(check.ok).toBe(false);
    expect(check.problem).toContain("highstate install-pulumi");
    expect(check.installHint).toContain(join(root, "home", ".pulumi", "versions", PINNED_PULUMI_VERSION));
  });
});

describe("installPulumiCli", () => {
  it("fails with a clear error when the installer cannot be downloaded", async () => {
    const root = await testdir();
    vi.stubGlobal("fetch", async () => {
      throw new TypeError("fetch failed: getaddrinfo ENOTFOUND get.pulumi.com");
    });
    const error = await installPulumiCli({ root: join(root, "pulumi") }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PulumiInstallError);
    const message = (error as Error).message;
    expect(message).toContain(`Could not install the Pulumi CLI ${PINNED_PULUMI_VERSION} into "${join(root, "pulumi")}"`);
    expect(message).toContain("https://get.pulumi.com/install.sh");
    expect(message).toContain("ENOTFOUND");
    expect(message).toContain("official installer");
  });
});
