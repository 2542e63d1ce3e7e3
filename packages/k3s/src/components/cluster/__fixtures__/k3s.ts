/** What a k3s server prints, for tests. The certificates and keys are made up. */

/** `/etc/rancher/k3s/k3s.yaml` as k3s writes it. */
export const k3sKubeconfig = `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: RkFLRS1DQQ==
    server: https://127.0.0.1:6443
  name: default
contexts:
- context:
    cluster: default
    user: default
  name: default
current-context: default
kind: Config
preferences: {}
users:
- name: default
  user:
    client-certificate-data: RkFLRS1DRVJU
    client-key-data: RkFLRS1LRVk=
`;

/** A node token in k3s's format (`K10<ca hash>::server:<secret>`). */
export const nodeToken = "K10f00dcafe0123456789abcdef0123456789abcdef0123456789abcdef01234567::server:5e3c7e7a9d1f4b2c8a6e0d3b1f9c7a5e";
