import { isIP } from "node:net";
import type { Server } from "@highstate/common";
import { runOnServer } from "@highstate/common/server";
import { defineUnit, resourceName } from "@highstate/pulumi";
import * as pulumi from "@pulumi/pulumi";
import { k3sCluster } from "./definition.js";
import { DuplicateNodeNameError } from "./errors.js";
import { rewriteK3sKubeconfig } from "./kubeconfig.js";
import {
  agentConfig,
  apiPort,
  asRoot,
  defaultInstallScriptUrl,
  installScript,
  k3sPaths,
  nodeName,
  parseReadyReport,
  readWhenPresentScript,
  readyScript,
  renderConfig,
  serverConfig,
  uninstallScript,
} from "./scripts.js";

/**
 * Installs k3s on the server (writing `config.yaml` from the args first), reads the node token, joins
 * every agent with it, waits until all nodes are Ready, reads the kubeconfig and rewrites it to point
 * at the server, and outputs the cluster with a kubectl terminal. Every step is a command over SSH
 * that re-runs only when what it depends on changes, so a second run with the same args runs nothing.
 */
export default defineUnit(k3sCluster, (unit) => {
  const { args, inputs } = unit;
  const installScriptUrl = args.installScriptUrl ?? defaultInstallScriptUrl(args.version);
  // Addresses and host names are not secret, even when the server value carries credentials.
  const server = pulumi.unsecret(inputs.server);
  const agents = inputs.agents.map((agent) => pulumi.unsecret(agent));
  const serverHost = server.apply((value) => value.endpoints[0]!);

  const serverConfigText = server.apply((value) =>
    renderConfig(
      serverConfig({
        tlsSans: [...value.endpoints, ...args.tlsSans],
        clusterCidr: args.clusterCidr,
        serviceCidr: args.serviceCidr,
        disable: args.disable,
        extra: args.extraServerConfig,
      }),
    ),
  );
  const serverInstall = runOnServer(resourceName(unit, "server"), inputs.server, {
    create: asRoot(installScript({ role: "server", version: args.version, installScriptUrl })),
    delete: asRoot(uninstallScript("server")),
    stdin: serverConfigText,
    // The config reaches the node on stdin, which is not compared; this makes a config change re-run the install.
    triggers: [serverConfigText],
  });

  const tokenRead = runOnServer(
    resourceName(unit, "node-token"),
    inputs.server,
    { create: asRoot(readWhenPresentScript(k3sPaths.nodeToken, args.readyTimeout)), secretOutput: true },
    { dependsOn: [serverInstall] },
  );
  const nodeToken = pulumi.secret(tokenRead.outputs.apply((outputs) => outputs.stdout.trim()));

  const agentConfigText = serverHost.apply((host) => renderConfig(agentConfig({ serverHost: host, extra: args.extraAgentConfig })));
  // Agents install (and upgrade) after the server, as k3s asks for.
  const agentInstalls = inputs.agents.map((agent, index) =>
    runOnServer(
      resourceName(unit, `agent-${index}`),
      agent,
      {
        create: asRoot(installScript({ role: "agent", version: args.version, installScriptUrl })),
        delete: asRoot(uninstallScript("agent")),
        // The token is only ever in this secret stdin and in the 0600 config.yaml it is written to.
        stdin: pulumi
          .all([serverHost, nodeToken])
          .apply(([host, token]) => renderConfig({ ...agentConfig({ serverHost: host, extra: args.extraAgentConfig }), token })),
        triggers: [agentConfigText],
      },
      { dependsOn: [serverInstall, tokenRead] },
    ),
  );

  const nodeNames = pulumi.all([server, ...agents]).apply((servers: Server[]) => {
    const names = servers.map((value) => nodeName(value.hostname));
    const duplicate = names.find((name, index) => names.indexOf(name) !== index);
    if (duplicate !== undefined) throw new DuplicateNodeNameError(unit.name, duplicate);
    return names;
  });
  const ready = runOnServer(
    resourceName(unit, "ready"),
    inputs.server,
    {
      create: nodeNames.apply((names) => asRoot(readyScript(names, args.readyTimeout))),
      triggers: [args.version, serverConfigText, agentConfigText],
      timeoutSeconds: args.readyTimeout,
    },
    { dependsOn: [serverInstall, ...agentInstalls] },
  );
  const report = ready.outputs.apply((outputs) => parseReadyReport(outputs.stdout));

  const kubeconfigRead = runOnServer(
    resourceName(unit, "kubeconfig"),
    inputs.server,
    { create: asRoot(`cat ${k3sPaths.kubeconfig}`), secretOutput: true, triggers: [args.version] },
    { dependsOn: [ready] },
  );
  const kubeconfig = pulumi.secret(
    pulumi
      .all([kubeconfigRead.outputs, serverHost])
      .apply(([outputs, host]) =>
        rewriteK3sKubeconfig(outputs.stdout, { host, name: unit.name, source: `${k3sPaths.kubeconfig} on the server of "${unit.name}"` }),
      ),
  );

  const externalIps = pulumi
    .all([server, ...agents])
    .apply((servers: Server[]) => [...new Set(servers.flatMap((value) => value.endpoints).filter((endpoint) => isIP(endpoint) !== 0))]);
  const serverVersion = pulumi
    .all([report, server])
    .apply(([value, plain]) => value.nodes.find((node) => node.name === nodeName(plain.hostname))?.version ?? args.version);

  return {
    k8sCluster: {
      id: report.clusterId,
      name: unit.name,
      apiEndpoint: { host: serverHost, port: apiPort, protocol: "tcp" as const },
      kubeconfig,
      externalIps,
      quirks: { externalServiceType: args.disable.includes("servicelb") ? ("NodePort" as const) : ("LoadBalancer" as const) },
    },
    $statusFields: {
      version: { value: serverVersion, title: "Version" },
      nodes: { value: report.apply((value) => value.nodes.map((node) => node.name).join(", ")), title: "Nodes" },
      apiEndpoint: {
        value: serverHost.apply((host) => `https://${host.includes(":") ? `[${host}]` : host}:${apiPort}`),
        title: "API Server",
      },
    },
    $terminals: [
      {
        type: "local",
        name: "management",
        title: "Cluster Management",
        // The runner replaces this placeholder with the path of the file below.
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal placeholder, not a template.
        env: { KUBECONFIG: "${file:kubeconfig}" },
        files: [{ name: "kubeconfig", content: kubeconfig, mode: 0o600 }],
      },
    ],
  };
});
