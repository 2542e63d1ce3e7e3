import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

/** Thrown when a Helm chart is not pinned to one exact version. */
export class UnpinnedHelmChartError extends Error {
  override name = "UnpinnedHelmChartError";

  constructor(
    readonly chart: string,
    readonly version: string | undefined,
  ) {
    super(
      `The Helm chart "${chart}" must be pinned to an exact version such as "1.2.3"${version ? `, not "${version}"` : ""}: ` +
        "an unpinned chart changes under you on the next run.",
    );
  }
}

/** Options of {@link createHelmChart}. */
export interface HelmChartArgs {
  /** The chart name in the repository (`traefik`), or a full `oci://` reference. */
  chart: string;
  /** The exact chart version, for example `34.2.0`. Ranges are refused. */
  version: string;
  /** The chart repository URL (`https://traefik.github.io/charts`); leave it out for `oci://` charts. */
  repository?: string;
  /** The namespace to install into. */
  namespace: pulumi.Input<string>;
  /** The release name; defaults to the resource name. */
  releaseName?: string;
  /** The chart values. */
  values?: pulumi.Input<Record<string, unknown>>;
  /** Whether to leave out the chart's CRDs (when another unit manages them). */
  skipCrds?: boolean;
}

const exactVersion = /^v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

/**
 * Installs a Helm chart pinned to an exact version (Helm v4 `Chart`: the Kubernetes provider renders
 * it and Pulumi manages every object, waiting for them to become ready).
 *
 * @throws UnpinnedHelmChartError when `version` is not one exact version.
 */
export function createHelmChart(name: string, args: HelmChartArgs, opts: pulumi.ComponentResourceOptions): k8s.helm.v4.Chart {
  if (typeof args.version !== "string" || !exactVersion.test(args.version)) throw new UnpinnedHelmChartError(args.chart, args.version);
  if (!args.repository && !args.chart.startsWith("oci://")) {
    throw new TypeError(`The Helm chart "${args.chart}" needs a repository URL, or an oci:// reference as its name`);
  }
  return new k8s.helm.v4.Chart(
    name,
    {
      chart: args.chart,
      version: args.version,
      ...(args.repository ? { repositoryOpts: { repo: args.repository } } : {}),
      namespace: args.namespace,
      name: args.releaseName ?? name,
      ...(args.values ? { values: args.values } : {}),
      ...(args.skipCrds ? { skipCrds: true } : {}),
    },
    opts,
  );
}
