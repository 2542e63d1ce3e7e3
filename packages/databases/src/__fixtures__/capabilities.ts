import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { configureCapabilities } from "@highstate/pulumi/capabilities";

/** Makes `@fixture/dns` resolvable as a capability package from a temp workspace; returns the cleanup. */
export function useFixtureDns(): () => void {
  const workspace = mkdtempSync(join(tmpdir(), "highstate-databases-"));
  mkdirSync(join(workspace, "node_modules/@fixture"), { recursive: true });
  symlinkSync(join(import.meta.dirname, "fixture-dns"), join(workspace, "node_modules/@fixture/dns"));
  const restore = configureCapabilities({ baseDir: workspace });
  return () => {
    restore();
    rmSync(workspace, { recursive: true, force: true });
  };
}

/** A DNS provider entity served by the fixture package. */
export const dnsProvider = { id: "fixture:acct", zones: ["example.com"], implRef: { package: "@fixture/dns", data: {} }, credentials: { token: "dns-token-value" } };
