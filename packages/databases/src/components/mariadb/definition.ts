import { defineComponent } from "@highstate/contract";
import { serviceEntity } from "@highstate/k8s";
import { mariadbConnectionEntity } from "../../entities/connection.js";
import { serverArgs, serverInputs, serverSecrets } from "../../shared/definition.js";

/** A MariaDB server in a Kubernetes cluster, with a generated root password and a persistent volume. */
export const mariadb = defineComponent({
  type: "databases.mariadb.v1",
  args: serverArgs,
  secrets: serverSecrets,
  inputs: serverInputs,
  outputs: {
    /** The admin connection (user `root`): give it to a MariaDB Database component to make a database for an app. */
    connection: mariadbConnectionEntity,
    /** The server's Service. */
    service: serviceEntity,
  },
  meta: {
    title: "MariaDB",
    description:
      "A MariaDB server in a Kubernetes cluster: a pinned image, a persistent volume, a generated root password and a mariadb terminal.",
    icon: "simple-icons:mariadb",
    category: "Databases",
  },
  source: { package: "@highstate/databases", path: "mariadb" },
});
