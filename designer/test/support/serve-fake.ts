/**
 * Serves the built designer against the fake server with a small seeded project, for looking at the
 * app by hand: `tsx --conditions=@highstate/source test/support/serve-fake.ts`.
 */
import { fileURLToPath } from "node:url";
import { testPackages } from "./definitions.ts";
import { startFakeServer } from "./fake-server.ts";

const server = await startFakeServer({
  assetsDir: fileURLToPath(new URL("../../dist/", import.meta.url)),
  packages: testPackages,
  projects: {
    demo: {
      password: "correct horse battery",
      unlocked: true,
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
console.log(server.url);
