/**
 * The backup kit for app units (Pulumi): `BackupKit` (restore on create with an init-container gate,
 * a nightly CronJob, a backup before destroy, terminals), `generateBackupPassword`, the hook,
 * retention and image options, and where the shipped `backup.sh` / `restore.sh` live.
 */
export * from "./backup-kit.js";
export * from "./options.js";
export { kitScriptNames, kitScriptsDir, readKitScripts, restoreMarkerName } from "./scripts.js";
