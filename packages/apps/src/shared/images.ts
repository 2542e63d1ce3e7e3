/** The pinned Vaultwarden image. */
export const vaultwardenImage = "vaultwarden/server:1.34.3-alpine";

/** The pinned Kubernetes Dashboard Helm chart. */
export const dashboardChart = {
  chart: "kubernetes-dashboard",
  version: "7.13.0",
  repository: "https://kubernetes.github.io/dashboard",
} as const;
