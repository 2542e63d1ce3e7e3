/**
 * Serves the built designer from the runner's real server with the fake engine and a small seeded
 * project, for looking at the app by hand: `tsx --conditions=@highstate/source test/support/serve-fake.ts`
 * (Ctrl+C stops it and removes its temp workspace).
 */
import { testPackages } from "./definitions.ts";
import { ensureDesignerBuilt } from "./designer-process.ts";
import { startTestServer } from "./test-server.ts";

const server = await startTestServer({
  assetsDir: await ensureDesignerBuilt(),
  packages: testPackages,
  projects: {
    demo: {
      password: "correct horse battery",
      project: {
        version: 1,
        hubs: [],
        instances: [
          {
            id: "common.ssh-key-pair.v1:aeza-msk",
            type: "common.ssh-key-pair.v1",
            name: "aeza-msk",
            uid: "aaaaaaaa1",
            args: {},
            inputs: {},
            injectionInputs: [],
            position: { x: 0, y: 0 },
          },
          {
            id: "common.existing-server.v1:aeza-msk",
            type: "common.existing-server.v1",
            name: "aeza-msk",
            uid: "aaaaaaaa2",
            args: { endpoint: "194.113.106.43" },
            inputs: { sshKeyPair: [{ instanceId: "common.ssh-key-pair.v1:aeza-msk", output: "keyPair" }] },
            injectionInputs: [],
            position: { x: 480, y: 0 },
          },
          {
            id: "test.existing-cluster.v1:local",
            type: "test.existing-cluster.v1",
            name: "local",
            uid: "aaaaaaaa3",
            args: {},
            inputs: {},
            injectionInputs: [],
            position: { x: 960, y: 0 },
          },
        ],
      },
    },
  },
});
console.log(server.urlFor("/projects/demo"));
process.once("SIGINT", () => void server.close().then(() => process.exit(0)));
