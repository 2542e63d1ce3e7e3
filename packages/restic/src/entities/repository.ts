import { defineEntity, z } from "@highstate/contract";

/** A restic repository location on an rclone remote, shared by every app that backs up into it. */
export const resticRepositorySchema = z
  .object({
    /** How restic reaches the storage; always `rclone` (restic runs `rclone serve restic`). */
    type: z.literal("rclone"),
    /** The rclone remote restic uses (`rclone:<remoteName>:<path>`). */
    remoteName: z.string().min(1),
    /** The backend type of that remote (`s3`, `b2`, `sftp`, `crypt`, …). */
    remoteType: z.string().min(1),
    /**
     * An `rclone.conf` with the remote and the remotes it wraps (and nothing else). Secret: it holds
     * the storage credentials.
     */
    rcloneConfig: z.string().min(1).meta({ secret: true }),
    /**
     * Where in the remote each app's repository lives; `$clusterName`, `$appName` and `$instanceName`
     * are replaced by the backup kit of the app.
     */
    pathPattern: z.string().min(1),
    /** Host names the storage is reached at, for egress rules. */
    remoteEndpoints: z.array(z.string().min(1)).default([]),
  })
  .strict();
export type ResticRepository = z.output<typeof resticRepositorySchema>;
export type ResticRepositoryInput = z.input<typeof resticRepositorySchema>;

/** A restic repository location on an rclone remote. */
export const resticRepositoryEntity = defineEntity({
  type: "restic.repository.v1",
  schema: resticRepositorySchema,
  meta: { title: "Restic Repo", color: "#d35400", icon: "mdi:backup-restore" },
});
