import type { OperationInfo } from "@highstate/project/api";
import { describe, expect, it } from "vitest";
import { previewLines } from "./operation-command.js";

describe("previewLines", () => {
  it("prints each previewed instance's counts and changes, replacements called out", () => {
    const result: OperationInfo = {
      id: "op",
      project: "demo",
      type: "preview",
      instanceIds: ["acme.db.v1:main", "acme.web.v1:web", "acme.web.v1:failed"],
      state: "failed",
      startedAt: "2026-01-01T00:00:00.000Z",
      results: { "acme.db.v1:main": "succeeded", "acme.web.v1:web": "succeeded", "acme.web.v1:failed": "failed" },
      previews: {
        "acme.db.v1:main": {
          changes: [
            {
              kind: "replace",
              urn: "urn:a",
              type: "acme:index:Disk",
              name: "data",
              replaceKeys: ["size"],
              changedKeys: ["size", "labels"],
            },
            { kind: "update", urn: "urn:b", type: "acme:index:Dns", name: "record", changedKeys: ["ttl"] },
            { kind: "delete", urn: "urn:c", type: "acme:index:Old", name: "legacy" },
          ],
          counts: { create: 0, update: 1, replace: 1, delete: 1, import: 0 },
          unchanged: 4,
        },
        "acme.web.v1:web": { changes: [], counts: { create: 0, update: 0, replace: 0, delete: 0, import: 0 }, unchanged: 2 },
      },
    };
    expect(previewLines(result)).toEqual([
      "acme.db.v1:main: 1 to update, 1 to replace, 1 to delete, 4 unchanged",
      "  ± acme:index:Disk data (size) — REPLACED: the old resource and what it holds are deleted",
      "  ~ acme:index:Dns record (ttl)",
      "  - acme:index:Old legacy",
      "acme.web.v1:web: 2 unchanged",
    ]);
  });
});
