/** Kubeconfigs for tests. The credentials are made up. */
export const twoClustersYaml = `apiVersion: v1
kind: Config
clusters:
  - name: prod
    cluster:
      server: https://10.0.0.1:6443
      certificate-authority-data: UFJPRC1DQQ==
  - name: lab
    cluster:
      server: https://[2001:db8::5]
      insecure-skip-tls-verify: true
users:
  - name: prod-admin
    user:
      client-certificate-data: UFJPRC1DRVJU
      client-key-data: UFJPRC1LRVk=
  - name: lab-admin
    user:
      token: lab-token
contexts:
  - name: prod
    context:
      cluster: prod
      user: prod-admin
  - name: lab
    context:
      cluster: lab
      user: lab-admin
      namespace: playground
current-context: prod
preferences: {}
`;

export const twoClustersJson = JSON.stringify(
  {
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      { name: "prod", cluster: { server: "https://10.0.0.1:6443", "certificate-authority-data": "UFJPRC1DQQ==" } },
      { name: "lab", cluster: { server: "https://[2001:db8::5]", "insecure-skip-tls-verify": true } },
    ],
    users: [
      { name: "prod-admin", user: { "client-certificate-data": "UFJPRC1DRVJU", "client-key-data": "UFJPRC1LRVk=" } },
      { name: "lab-admin", user: { token: "lab-token" } },
    ],
    contexts: [
      { name: "prod", context: { cluster: "prod", user: "prod-admin" } },
      { name: "lab", context: { cluster: "lab", user: "lab-admin", namespace: "playground" } },
    ],
    "current-context": "prod",
  },
  null,
  2,
);
