/** The pinned PostgreSQL image (the official Debian-based image; its client tools match the server for the backup hooks). */
export const postgresqlImage = "postgres:17.6-bookworm";

/** The pinned MariaDB image (the official Ubuntu-based image: mariadb-dump and mariadb-backup work there, unlike on Alpine). */
export const mariadbImage = "mariadb:11.8.3-noble";
