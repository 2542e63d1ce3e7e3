/**
 * The definitions of `@highstate/restic`: the `restic.repository.v1` entity and the Restic Repo
 * component. Importing this module never loads Pulumi; the program is in `./repository`, the backup
 * kit for apps in `./kit` and the rclone config parser in `./rclone`.
 */
export { resticRepository } from "./components/repository/definition.js";
export * from "./entities/index.js";
