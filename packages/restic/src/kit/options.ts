import { randomBytes } from "node:crypto";

/** Scripts the app runs around backups and restores, as POSIX `sh` script text. */
export interface BackupHooks {
  /**
   * Runs before the online backup and `restic backup`: make the data on the volume consistent, for
   * example by pausing writes. When it has started, `unlock` always runs afterwards.
   */
  lock?: string;
  /** Runs after `restic backup`, also when the lock hook, the online backup or restic failed, or the job was stopped. */
  unlock?: string;
  /**
   * Runs before `restic backup`: write a consistent copy of live data into the volume (`$DATA_DIR`),
   * for example with `pg_basebackup` or `mariadb-backup`.
   */
  onlineBackup?: string;
  /**
   * Runs after a snapshot was restored into the empty volume and before the app may start, for example
   * to fix ownership or to prepare a physical database backup. Must be safe to run twice: an interrupted
   * restore runs it again.
   */
  postRestore?: string;
}

/** How many snapshots `restic forget --prune` keeps after each backup. */
export interface BackupRetention {
  /** Keep the last n snapshots. */
  keepLast?: number;
  /** Keep the last snapshot of each of the last n hours. */
  keepHourly?: number;
  /** Keep the last snapshot of each of the last n days. */
  keepDaily?: number;
  /** Keep the last snapshot of each of the last n weeks. */
  keepWeekly?: number;
  /** Keep the last snapshot of each of the last n months. */
  keepMonthly?: number;
  /** Keep the last snapshot of each of the last n years. */
  keepYearly?: number;
}

/** The retention used when none is given: 7 daily, 4 weekly and 6 monthly snapshots. */
export const defaultRetention: Readonly<BackupRetention> = Object.freeze({ keepDaily: 7, keepWeekly: 4, keepMonthly: 6 });

/** The default schedule of the nightly backup (cron syntax, the cluster's time zone). */
export const defaultBackupSchedule = "0 3 * * *";

/** Container images the kit uses; both are official images, pinned by version. */
export interface BackupKitImages {
  /** An image with `restic` and a POSIX shell; runs the scripts unless the app gives a `hookImage`. */
  restic: string;
  /** An image with `rclone` and a shell; its binary is copied into the job's pod. */
  rclone: string;
}

/** The pinned images: restic 0.18.1 and rclone 1.71.2 (override them to pin by digest or use a mirror). */
export const defaultKitImages: Readonly<BackupKitImages> = Object.freeze({
  restic: "docker.io/restic/restic:0.18.1",
  rclone: "docker.io/rclone/rclone:1.71.2",
});

/** A new backup password: 32 random bytes as hex. Keep it with the app's secrets (`unit.getSecret("backupKey", generateBackupPassword)`). */
export function generateBackupPassword(): string {
  return randomBytes(32).toString("hex");
}

const retentionFlags: Record<keyof BackupRetention, string> = {
  keepLast: "--keep-last",
  keepHourly: "--keep-hourly",
  keepDaily: "--keep-daily",
  keepWeekly: "--keep-weekly",
  keepMonthly: "--keep-monthly",
  keepYearly: "--keep-yearly",
};

/** Thrown when the backup kit is given options it cannot use; the message names the kit and the option. */
export class InvalidBackupKitOptionsError extends Error {
  override name = "InvalidBackupKitOptionsError";
}

/**
 * The `restic forget` arguments of a retention policy; `false` keeps every snapshot (empty string).
 *
 * @throws InvalidBackupKitOptionsError for a count that is not a positive integer or a policy that keeps nothing.
 */
export function retentionArguments(retention: BackupRetention | false, where: string): string {
  if (retention === false) return "";
  const parts: string[] = [];
  for (const [key, flag] of Object.entries(retentionFlags) as Array<[keyof BackupRetention, string]>) {
    const value = retention[key];
    if (value === undefined) continue;
    if (!Number.isInteger(value) || value < 1) {
      throw new InvalidBackupKitOptionsError(`${where}: retention.${key} is ${String(value)}; use a whole number of at least 1`);
    }
    parts.push(`${flag} ${value}`);
  }
  if (parts.length === 0) {
    throw new InvalidBackupKitOptionsError(
      `${where}: the retention policy keeps no snapshot; set at least one keep… count, or retention: false to keep every snapshot`,
    );
  }
  return parts.join(" ");
}

/**
 * Checks a cron schedule: five fields of digits, `*`, `,`, `-`, `/` (or month and weekday names),
 * or a macro such as `@daily`.
 *
 * @throws InvalidBackupKitOptionsError naming the schedule.
 */
export function validateSchedule(schedule: string, where: string): void {
  if (/^@(yearly|annually|monthly|weekly|daily|midnight|hourly)$/.test(schedule)) return;
  const fields = schedule.trim().split(/\s+/);
  if (fields.length !== 5 || !fields.every((field) => /^[0-9A-Za-z*,/-]+$/.test(field))) {
    throw new InvalidBackupKitOptionsError(
      `${where}: schedule "${schedule}" is not a cron schedule of five fields (minute hour day month weekday), e.g. "${defaultBackupSchedule}"`,
    );
  }
}
