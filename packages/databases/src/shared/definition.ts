import { dnsProviderEntity } from "@highstate/common";
import { z } from "@highstate/contract";
import { clusterEntity, kubernetesNameSchema } from "@highstate/k8s";
import { resticRepositoryEntity } from "@highstate/restic";

/** The args both database servers take. */
export const serverArgs = {
  /** The namespace the server runs in; the instance name by default. The unit creates it and owns it. */
  namespace: kubernetesNameSchema.optional(),
  /**
   * Whether the server is reachable from outside the cluster: its Service becomes a `NodePort` or
   * `LoadBalancer` (whatever the cluster's `externalServiceType` quirk says). `ClusterIP` otherwise.
   */
  external: z.boolean().default(false),
  /**
   * A DNS name for the server, for example `db.example.com`. Added to the connection's endpoints; with a
   * DNS provider connected, a record pointing at the cluster's external IPs is created too.
   */
  fqdn: z.hostname().optional(),
  /** The size of the data volume, as a Kubernetes quantity such as `10Gi`. Growing it needs a storage class that allows expansion. */
  storageSize: z
    .string()
    .regex(/^\d+(\.\d+)?(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$/, "must be a Kubernetes quantity such as 10Gi")
    .default("10Gi"),
  /** The storage class of the data volume; the cluster's default class when left out. */
  storageClassName: z.string().min(1).optional(),
  /**
   * How backups to a connected Restic Repo are taken. `logical` (the default): a dump of every database
   * (`pg_dump` / `mariadb-dump`), which restores across minor versions and is loaded by the server's
   * first start. `physical`: a copy of the data directory taken while the server runs
   * (`pg_basebackup` / `mariadb-backup`), faster to take and to restore for large databases, put back in
   * place before the server starts; it needs the same major version (the pinned image) to restore.
   * Ignored without a Restic Repo.
   */
  backupMode: z.enum(["logical", "physical"]).default("logical"),
};

/** The secrets both database servers keep. */
export const serverSecrets = {
  /** The admin password. Generated (24 random characters) on the first run and kept with the instance's secrets; set it to choose your own. */
  adminPassword: z.string().min(12).optional(),
  /** The password of the server's backups in the Restic Repo. Generated on the first run with a repository connected and kept with the instance's secrets, so a re-created server can restore. */
  backupKey: z.string().min(16).optional(),
};

/** The inputs both database servers take. */
export const serverInputs = {
  /** The cluster the server runs in. */
  k8sCluster: clusterEntity,
  /** DNS providers; the one serving the `fqdn` arg's zone gets a record for the server. */
  dnsProviders: { entity: dnsProviderEntity, required: false, multiple: true },
  /** Where backups go. Connected, the server is dumped nightly and before it is destroyed, and a new server restores the latest dump. */
  resticRepo: { entity: resticRepositoryEntity, required: false },
} as const;

/** A database or user name: lower-case letters, digits and underscores, starting with a letter, at most 63 characters. */
export const sqlNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,62}$/, "must be lower-case letters, digits and underscores, starting with a letter, at most 63 characters");

/** The args both Database components take. */
export const databaseArgs = {
  /** The database name; the instance name with dashes turned into underscores by default. */
  database: sqlNameSchema.optional(),
  /** The user that owns the database; the database name by default. */
  username: sqlNameSchema.optional(),
  /** The namespace the setup Job runs in; the server's namespace by default. */
  namespace: kubernetesNameSchema.optional(),
};

/** The secrets both Database components keep. */
export const databaseSecrets = {
  /** The user's password. Generated (24 random characters) on the first run and kept with the instance's secrets. */
  password: z.string().min(12).optional(),
};

/** The default database name of a Database instance: its name with dashes turned into underscores. */
export function defaultDatabaseName(instanceName: string): string {
  const name = instanceName
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, "_")
    .replace(/^[^a-z]+/, "")
    .slice(0, 63);
  return name.length > 0 ? name : "app";
}
