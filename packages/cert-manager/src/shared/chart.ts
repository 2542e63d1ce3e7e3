/** The chart cert-manager is installed from, pinned. */
export const certManagerChart = { chart: "cert-manager", version: "v1.18.2", repository: "https://charts.jetstack.io" } as const;

/**
 * The namespace cert-manager runs in. It is also its "cluster resource namespace": ClusterIssuers read
 * their Secrets (DNS credentials, ACME account keys, EAB keys) from here.
 */
export const certManagerNamespace = "cert-manager";
