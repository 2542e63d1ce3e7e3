/**
 * The definitions of `@highstate/databases`: the PostgreSQL and MariaDB connection entities, the
 * PostgreSQL and MariaDB server components and the Database components that make a database and user
 * for an app. Importing this module never loads Pulumi; the programs are in the `./postgresql`,
 * `./mariadb`, `./postgresql-database` and `./mariadb-database` subpaths.
 */
export { mariadb } from "./components/mariadb/definition.js";
export { mariadbDatabase } from "./components/mariadb-database/definition.js";
export { postgresql } from "./components/postgresql/definition.js";
export { postgresqlDatabase } from "./components/postgresql-database/definition.js";
export * from "./entities/index.js";
export { defaultDatabaseName, sqlNameSchema } from "./shared/definition.js";
export { mariadbImage, postgresqlImage } from "./shared/images.js";
