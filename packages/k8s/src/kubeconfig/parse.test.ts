import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { twoClustersJson, twoClustersYaml } from "./__fixtures__/kubeconfigs.js";
import { InvalidKubeconfigError, NoSuchKubeconfigContextError } from "./errors.js";
import { parseKubeconfig, selectKubeconfigContext } from "./parse.js";

describe("selectKubeconfigContext", () => {
  it.each([
    ["YAML", twoClustersYaml],
    ["JSON", twoClustersJson],
  ])("picks the current context of a %s kubeconfig and keeps only its cluster and user", (_format, text) => {
    const selected = selectKubeconfigContext(text);
    expect(selected).toMatchObject({
      context: "prod",
      cluster: "prod",
      user: "prod-admin",
      server: "https://10.0.0.1:6443",
      host: "10.0.0.1",
      port: 6443,
    });
    expect(selected.namespace).toBeUndefined();
    expect(parse(selected.kubeconfig)).toEqual({
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: "prod", cluster: { server: "https://10.0.0.1:6443", "certificate-authority-data": "UFJPRC1DQQ==" } }],
      users: [{ name: "prod-admin", user: { "client-certificate-data": "UFJPRC1DRVJU", "client-key-data": "UFJPRC1LRVk=" } }],
      contexts: [{ name: "prod", context: { cluster: "prod", user: "prod-admin" } }],
      "current-context": "prod",
      preferences: {},
    });
    expect(selected.kubeconfig).not.toContain("lab-token");
  });

  it("picks a named context, with its namespace, an IPv6 server and the default https port", () => {
    const selected = selectKubeconfigContext(twoClustersYaml, "lab");
    expect(selected).toMatchObject({ context: "lab", namespace: "playground", host: "2001:db8::5", port: 443 });
    expect(parse(selected.kubeconfig)["current-context"]).toBe("lab");
    expect(selected.kubeconfig).not.toContain("UFJPRC1LRVk=");
  });

  it("lists the available contexts when the named one is missing", () => {
    const error = (() => {
      try {
        selectKubeconfigContext(twoClustersYaml, "staging", 'secret "kubeconfig"');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(NoSuchKubeconfigContextError);
    expect((error as Error).message).toBe(
      'The kubeconfig in secret "kubeconfig" has no context "staging". Its contexts are: "prod", "lab".',
    );
  });

  it("uses the only context when there is no current-context, and asks for one when there are several", () => {
    const single = { ...JSON.parse(twoClustersJson), "current-context": undefined, contexts: [JSON.parse(twoClustersJson).contexts[1]] };
    expect(selectKubeconfigContext(JSON.stringify(single)).context).toBe("lab");
    const several = { ...JSON.parse(twoClustersJson), "current-context": "" };
    expect(() => selectKubeconfigContext(JSON.stringify(several))).toThrow(
      /no current-context; set the "context" arg to one of "prod", "lab"/,
    );
  });

  it("refuses contexts whose cluster or user is missing, files on disk and non-URL servers", () => {
    const config = JSON.parse(twoClustersJson);
    config.contexts[0].context.cluster = "gone";
    expect(() => selectKubeconfigContext(JSON.stringify(config))).toThrow(/context "prod" uses cluster "gone", which is not in "clusters"/);
    const withFile = JSON.parse(twoClustersJson);
    withFile.clusters[0].cluster["certificate-authority"] = "/home/me/.minikube/ca.crt";
    expect(() => selectKubeconfigContext(JSON.stringify(withFile))).toThrow(
      /reads "certificate-authority" from a file; embed the files with `kubectl config view --raw --flatten --minify --context prod`/,
    );
    const badServer = JSON.parse(twoClustersJson);
    badServer.clusters[0].cluster.server = "10.0.0.1:6443";
    expect(() => selectKubeconfigContext(JSON.stringify(badServer))).toThrow(/must be an https:\/\/ URL|is not a URL/);
  });
});

describe("parseKubeconfig", () => {
  it.each([
    ["an empty string", "   ", /it is empty/],
    ["unbalanced YAML", "clusters: [\n  - name: x\n", /neither YAML nor JSON/],
    ["broken JSON", '{"clusters": [', /neither YAML nor JSON/],
    ["a plain string", "hello world", /not a YAML or JSON object/],
    ["a list", "- a\n- b\n", /not a YAML or JSON object/],
    ["clusters that are not a list", "clusters: 5\ncontexts: []\n", /"clusters"/],
    [
      "a cluster without a server",
      "clusters:\n  - name: a\n    cluster: {}\ncontexts: [{name: a, context: {cluster: a}}]\n",
      /"clusters.0.cluster.server"/,
    ],
    ["no contexts", "clusters: []\nusers: []\n", /it has no contexts/],
  ])("rejects %s with an InvalidKubeconfigError", (_what, text, message) => {
    expect(() => parseKubeconfig(text, 'secret "kubeconfig"')).toThrow(InvalidKubeconfigError);
    expect(() => parseKubeconfig(text, 'secret "kubeconfig"')).toThrow(message);
  });
});
