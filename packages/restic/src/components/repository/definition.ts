import { defineComponent, z } from "@highstate/contract";
import { resticRepositoryEntity } from "../../entities/repository.js";
import { defaultPathPattern } from "../../rclone/path-pattern.js";

/** Where apps keep their backups: a remote of an `rclone.conf` and a path pattern for each app's restic repository. */
export const resticRepository = defineComponent({
  type: "restic.repository.v1",
  args: {
    /**
     * The remote of the rclone config to use. Needed only when the file has several remotes (a remote
     * wrapped by another, such as the storage under a `crypt` remote, does not count).
     */
    remoteName: z.string().min(1).optional(),
    /**
     * Where each app's repository lives in the remote. `$clusterName` (the cluster instance's name),
     * `$appName` (the app, e.g. `postgresql`) and `$instanceName` (the app instance's name) are
     * replaced per app. An app re-created on a cluster with the same name finds its data again; drop
     * `$clusterName` to move apps between differently named clusters.
     */
    pathPattern: z.string().min(1).default(defaultPathPattern),
    /** Extra host names the storage is reached at (for egress rules), besides those read from the config. */
    remoteEndpoints: z.array(z.string().min(1)).default([]),
  },
  secrets: {
    /**
     * The `rclone.conf` as `rclone config` writes it (run `rclone config file` to find it), or just the
     * section of the remote to use. Must not be encrypted with a config password.
     */
    rcloneConfig: z.string().min(1),
  },
  outputs: {
    /** The repository location: the remote, its config (secret) and the path pattern. */
    repo: resticRepositoryEntity,
  },
  meta: {
    title: "Restic Repo",
    description: "Storage for app backups: restic repositories on any rclone remote (S3, B2, SFTP, …), one per app.",
    icon: "mdi:backup-restore",
    category: "Backups",
  },
  source: { package: "@highstate/restic", path: "repository" },
});
