import type { Project } from "@highstate/contract";

/** Version `n` of a test project: its instance count and args differ with `n`, so every version is distinct. */
export function projectVersion(version: number): Project {
  const count = 200 + (version % 50);
  return {
    version: 1,
    instances: Array.from({ length: count }, (_, index) => ({
      id: `common.existing-server.v1:server-${index}`,
      type: "common.existing-server.v1",
      name: `server-${index}`,
      uid: `uid${String(index).padStart(6, "0")}`,
      args: { endpoint: `10.0.${index % 250}.${version % 250}`, saved: version },
      inputs: {},
      injectionInputs: [],
      position: { x: index * 10, y: version },
    })),
    hubs: [],
  };
}
