import { defineComponent, z } from "@highstate/contract";
import { mariadbConnectionEntity, postgresqlConnectionEntity } from "@highstate/databases";
import { accessPointEntity, clusterEntity, kubernetesNameSchema } from "@highstate/k8s";
import { resticRepositoryEntity } from "@highstate/restic";

/** Vaultwarden, the Bitwarden-compatible password manager, in a Kubernetes cluster. */
export const vaultwarden = defineComponent({
  type: "apps.vaultwarden.v1",
  args: {
    /** The host name Vaultwarden is published at, for example `vault.example.com`; its URL is `https://<fqdn>`. */
    fqdn: z.hostname(),
    /** Whether anyone who can reach the page may create an account. Off by default: invite users from the admin panel. */
    allowSignups: z.boolean().default(false),
    /** Whether the admin panel (`/admin`) is on; it is protected by the generated admin token. */
    enableAdminPanel: z.boolean().default(true),
    /** The namespace; the instance name by default. The unit creates it and owns it. */
    namespace: kubernetesNameSchema.optional(),
    /** The size of the `/data` volume (attachments, icons, keys), as a Kubernetes quantity. */
    storageSize: z
      .string()
      .regex(/^\d+(\.\d+)?(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$/, "must be a Kubernetes quantity such as 1Gi")
      .default("1Gi"),
    /** The storage class of the volume; the cluster's default class when left out. */
    storageClassName: z.string().min(1).optional(),
  },
  secrets: {
    /** The admin panel's token. Generated on the first run when the panel is on, kept with the instance's secrets; Vaultwarden gets only its Argon2 hash. */
    adminToken: z.string().min(16).optional(),
    /** The password of Vaultwarden's backups in the Restic Repo. Generated on the first run with a repository connected, kept with the instance's secrets. */
    backupKey: z.string().min(16).optional(),
  },
  inputs: {
    /** The cluster Vaultwarden runs in. */
    k8sCluster: clusterEntity,
    /** Where Vaultwarden is published: the gateway, the TLS issuer and the DNS provider for `fqdn`. */
    accessPoint: accessPointEntity,
    /** A MariaDB database for Vaultwarden (a MariaDB Database component's connection, with `database` set). Connect this or `postgresql`. */
    mariadb: { entity: mariadbConnectionEntity, required: false, description: "A MariaDB database (from a MariaDB Database component)." },
    /** A PostgreSQL database for Vaultwarden (a PostgreSQL Database component's connection). Connect this or `mariadb`. */
    postgresql: {
      entity: postgresqlConnectionEntity,
      required: false,
      description: "A PostgreSQL database (from a PostgreSQL Database component).",
    },
    /** Where `/data` is backed up (nightly and before destroy); a new instance restores it before Vaultwarden starts. */
    resticRepo: { entity: resticRepositoryEntity, required: false },
  },
  outputs: {},
  meta: {
    title: "Vaultwarden",
    description:
      "The Bitwarden-compatible password manager: a pinned image with a persistent /data volume, a MariaDB or PostgreSQL database, published with TLS through an access point.",
    icon: "simple-icons:vaultwarden",
    category: "Apps",
  },
  source: { package: "@highstate/apps", path: "vaultwarden" },
});
