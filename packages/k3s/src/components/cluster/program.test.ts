import type { Server } from "@highstate/common";
import { generateSshKeyPair } from "@highstate/common/ssh";
import { clusterSchema } from "@highstate/k8s";
import type { Unit } from "@highstate/pulumi";
import { runError, type TestUnitOptions, testUnit } from "@highstate/pulumi/test";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { k3sKubeconfig, nodeToken } from "./__fixtures__/k3s.js";
import type { k3sCluster } from "./definition.js";

type K3sUnit = Unit<typeof k3sCluster>;
let unit: K3sUnit;

const commandType = "pulumi-nodejs:dynamic/common:ServerCommand";
const secretCommandType = "pulumi-nodejs:dynamic/common:SecretServerCommand";
const clusterId = "0d4f8a2e-1b7c-4e3a-9f6d-2c8b5a1e7f30";

function server(hostname: string, host: string): Server {
  return {
    hostname,
    endpoints: [host],
    ssh: { host, port: 22, user: "root", hostKey: generateSshKeyPair().publicKey, keyPair: generateSshKeyPair() },
  };
}
const main = server("Control-1", "10.0.0.10");
const agents = [server("worker-1", "10.0.0.11"), server("worker-2", "10.0.0.12")];

/** Answers the commands as a healthy k3s server would. */
const mocks: TestUnitOptions<K3sUnit["component"]>["mocks"] = {
  newResource: (args) => {
    if (args.type !== commandType && args.type !== secretCommandType) return undefined;
    const stdout = args.name.endsWith("-node-token")
      ? `${nodeToken}\n`
      : args.name.endsWith("-kubeconfig")
        ? k3sKubeconfig
        : args.name.endsWith("-ready")
          ? `${clusterId}\ncontrol-1 v1.34.1+k3s1\nworker-1 v1.34.1+k3s1\nworker-2 v1.34.1+k3s1\n`
          : "";
    return { id: `${args.name}-id`, state: { ...args.inputs, outputs: { stdout, stderr: "" } } };
  },
};

function inputsOf(result: Awaited<ReturnType<typeof testUnit>>, name: string) {
  const resource = result.resources.find((entry) => entry.name === name);
  if (!resource) throw new Error(`no resource ${name}; have ${result.resources.map((entry) => entry.name).join(", ")}`);
  return resource;
}

beforeAll(async () => {
  unit = (await import("./program.js")).default;
});

describe("K3s Cluster", () => {
  it("installs the pinned release on the server with config.yaml from the args, over stdin", async () => {
    const result = await testUnit(unit, {
      name: "lab",
      args: { disable: ["traefik", "servicelb"], tlsSans: ["k8s.example.com"], extraServerConfig: { "node-label": ["zone=a"] } },
      secretInputs: { server: main },
      mocks,
    });
    const install = result.resource(commandType, "lab-server");
    const inputs = install.inputs.inputs as Record<string, unknown>;
    expect(inputs).toMatchObject({ host: "10.0.0.10", port: 22, user: "root", hostKey: main.ssh!.hostKey });
    expect(inputs.create).toContain("INSTALL_K3S_VERSION=v1.34.1+k3s1 INSTALL_K3S_EXEC=server");
    expect(inputs.create).toContain("https://raw.githubusercontent.com/k3s-io/k3s/v1.34.1%2Bk3s1/install.sh");
    expect(inputs.create).toContain("elif command -v sudo >/dev/null 2>&1; then set -- sudo -n; else echo");
    expect(inputs.delete).toContain("/usr/local/bin/k3s-uninstall.sh");
    const credentials = install.inputs.credentials as { stdin: string; privateKey: string };
    expect(parse(credentials.stdin)).toEqual({
      "write-kubeconfig-mode": "0600",
      "tls-san": ["10.0.0.10", "k8s.example.com"],
      "cluster-cidr": "10.42.0.0/16",
      "service-cidr": "10.43.0.0/16",
      disable: ["traefik", "servicelb"],
      "node-label": ["zone=a"],
    });
    expect(install.secretInputs).toContain("credentials");
    expect(install.secretInputs).not.toContain("inputs");
    // A config change re-runs the install: the config is a trigger (it holds nothing secret on the server).
    expect(inputs.triggers).toEqual([credentials.stdin]);
  });

  it("joins every agent with the node token, which only travels in secret stdin", async () => {
    const result = await testUnit(unit, {
      name: "lab",
      secretInputs: { server: main, agents },
      args: { extraAgentConfig: { "node-label": ["role=worker"] } },
      mocks,
    });
    const token = result.resource(secretCommandType, "lab-node-token");
    expect((token.inputs.inputs as { create: string }).create).toContain("cat /var/lib/rancher/k3s/server/node-token");
    for (const [index, agent] of agents.entries()) {
      const install = inputsOf(result, `lab-agent-${index}`);
      expect(install.type).toBe(commandType);
      const inputs = install.inputs.inputs as Record<string, string>;
      expect(inputs.host).toBe(agent.ssh!.host);
      expect(inputs.create).toContain("INSTALL_K3S_EXEC=agent");
      expect(inputs.delete).toContain("/usr/local/bin/k3s-agent-uninstall.sh");
      expect(JSON.stringify(install.inputs.inputs)).not.toContain("server:5e3c");
      expect(parse((install.inputs.credentials as { stdin: string }).stdin)).toEqual({
        server: "https://10.0.0.10:6443",
        "node-label": ["role=worker"],
        token: nodeToken,
      });
      expect(install.secretInputs).toContain("credentials");
    }
    // No command text, trigger or output outside the secret ones carries the token.
    for (const resource of result.resources) expect(JSON.stringify(resource.inputs.inputs ?? {})).not.toContain("server:5e3c");
    expect(JSON.stringify(result.outputs.$statusFields)).not.toContain("server:5e3c");
  });

  it("waits for every node by its host name, then outputs the cluster with a rewritten kubeconfig", async () => {
    const result = await testUnit(unit, { name: "lab", secretInputs: { server: main, agents }, mocks });
    const ready = result.resource(commandType, "lab-ready");
    expect((ready.inputs.inputs as { create: string }).create).toContain(
      "wait --for=condition=Ready node/control-1 node/worker-1 node/worker-2",
    );
    const kubeconfigRead = result.resource(secretCommandType, "lab-kubeconfig");
    expect((kubeconfigRead.inputs.inputs as { create: string }).create).toContain("cat /etc/rancher/k3s/k3s.yaml");

    const cluster = clusterSchema.parse(result.outputs.k8sCluster);
    expect(cluster).toMatchObject({
      id: clusterId,
      name: "lab",
      apiEndpoint: { host: "10.0.0.10", port: 6443, protocol: "tcp" },
      externalIps: ["10.0.0.10", "10.0.0.11", "10.0.0.12"],
      quirks: { externalServiceType: "LoadBalancer" },
    });
    const kubeconfig = parse(cluster.kubeconfig);
    expect(kubeconfig.clusters).toEqual([
      { name: "lab", cluster: { "certificate-authority-data": "RkFLRS1DQQ==", server: "https://10.0.0.10:6443" } },
    ]);
    expect(kubeconfig.contexts).toEqual([{ name: "lab", context: { cluster: "lab", user: "lab" } }]);
    expect(kubeconfig.users[0].user["client-key-data"]).toBe("RkFLRS1LRVk=");
    expect(kubeconfig["current-context"]).toBe("lab");

    expect(result.outputs.$statusFields).toEqual([
      { name: "version", title: "Version", value: "v1.34.1+k3s1", secret: false },
      { name: "nodes", title: "Nodes", value: "control-1, worker-1, worker-2", secret: false },
      { name: "apiEndpoint", title: "API Server", value: "https://10.0.0.10:6443", secret: false },
    ]);
    expect(result.outputs.$terminals).toEqual([
      {
        type: "local",
        name: "management",
        title: "Cluster Management",
        command: [],
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the runner's file placeholder.
        env: { KUBECONFIG: "${file:kubeconfig}" },
        files: [{ name: "kubeconfig", content: cluster.kubeconfig, mode: 0o600 }],
      },
    ]);
    expect(result.secretOutputs.filter((name) => name !== "$secrets")).toEqual(["$terminals", "k8sCluster"]);
  });

  it("pins another version in the installer, the triggers and the install script URL", async () => {
    const result = await testUnit(unit, {
      name: "lab",
      secretInputs: { server: main },
      args: { version: "v1.33.5+k3s1", installScriptUrl: "https://mirror.example.com/k3s/install.sh", disable: ["servicelb"] },
      mocks,
    });
    const inputs = result.resource(commandType, "lab-server").inputs.inputs as { create: string };
    expect(inputs.create).toContain("INSTALL_K3S_VERSION=v1.33.5+k3s1");
    expect(inputs.create).toContain("https://mirror.example.com/k3s/install.sh");
    expect((result.resource(commandType, "lab-ready").inputs.inputs as { triggers: unknown[] }).triggers[0]).toBe("v1.33.5+k3s1");
    expect(clusterSchema.parse(result.outputs.k8sCluster).quirks.externalServiceType).toBe("NodePort");
  });

  it("refuses two nodes with one host name", async () => {
    const error = await runError(
      testUnit(unit, { name: "lab", secretInputs: { server: main, agents: [server("control-1", "10.0.0.20")] }, mocks }),
    );
    expect(error.name).toBe("DuplicateNodeNameError");
    expect(error.message).toContain('K3s Cluster "lab" has two nodes named "control-1"');
  });

  it("fails clearly when the server has no SSH connection", async () => {
    const error = await runError(testUnit(unit, { name: "lab", inputs: { server: { hostname: "box", endpoints: ["10.0.0.9"] } }, mocks }));
    expect(error.message).toContain('The server "box" has no SSH connection');
  });

  it.each([
    [{ version: "1.34" }, "version"],
    [{ version: "latest" }, "version"],
    [{ disable: ["kube-proxy"] }, "disable"],
    [{ clusterCidr: "10.42.0.0" }, "clusterCidr"],
    [{ tlsSans: ["not a host"] }, "tlsSans"],
    [{ extraServerConfig: { "tls-san": ["x"] } }, "extraServerConfig"],
    [{ extraAgentConfig: { token: "x" } }, "extraAgentConfig"],
    [{ extraServerConfig: { "--flag": "x" } }, "extraServerConfig"],
    [{ readyTimeout: 1 }, "readyTimeout"],
  ])("rejects bad args %j naming %s", async (args, field) => {
    const error = await runError(testUnit(unit, { args: args as never, secretInputs: { server: main }, mocks }));
    expect(error.name).toBe("UnitArgsError");
    expect(error.message).toContain(`"${field}`);
  });

  it("explains which arg owns a managed config key", async () => {
    const error = await runError(
      testUnit(unit, { args: { extraServerConfig: { "cluster-cidr": "10.0.0.0/8" } }, secretInputs: { server: main }, mocks }),
    );
    expect(error.message).toContain('"cluster-cidr" is set by the "clusterCidr" arg');
  });
});
