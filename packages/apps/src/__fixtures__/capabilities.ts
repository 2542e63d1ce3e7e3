import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { configureCapabilities } from "@highstate/pulumi/capabilities";

/** Makes `@fixture/gateway` resolvable as a capability package from a temp workspace; returns the cleanup. */
export function useFixtureGateway(): () => void {
  const workspace = mkdtempSync(join(tmpdir(), "highstate-apps-"));
  mkdirSync(join(workspace, "node_modules/@fixture"), { recursive: true });
  symlinkSync(join(import.meta.dirname, "fixture-gateway"), join(workspace, "node_modules/@fixture/gateway"));
  const restore = configureCapabilities({ baseDir: workspace });
  return () => {
    restore();
    rmSync(workspace, { recursive: true, force: true });
  };
}
