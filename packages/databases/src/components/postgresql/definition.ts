import { defineComponent } from "@highstate/contract";
import { serviceEntity } from "@highstate/k8s";
import { postgresqlConnectionEntity } from "../../entities/connection.js";
import { serverArgs, serverInputs, serverSecrets } from "../../shared/definition.js";

/** A PostgreSQL server in a Kubernetes cluster, with a generated admin password and a persistent volume. */
export const postgresql = defineComponent({
  type: "databases.postgresql.v1",
  args: serverArgs,
  secrets: serverSecrets,
  inputs: serverInputs,
  outputs: {
    /** The admin connection (user `postgres`): give it to a PostgreSQL Database component to make a database for an app. */
    connection: postgresqlConnectionEntity,
    /** The server's Service. */
    service: serviceEntity,
  },
  meta: {
    title: "PostgreSQL",
    description:
      "A PostgreSQL server in a Kubernetes cluster: a pinned image, a persistent volume, a generated admin password and a psql terminal.",
    icon: "simple-icons:postgresql",
    category: "Databases",
  },
  source: { package: "@highstate/databases", path: "postgresql" },
});
