import { operationCommand } from "../operation-command.js";

export default operationCommand(
  "destroy",
  "Destroy instances' resources",
  "Runs `pulumi destroy` for each named instance (ids like `<type>:<name>`, or names). Refuses while created instances depend on them; with --cascade those are destroyed first, in reverse dependency order. An instance that asks for a before-destroy trigger is run once with the trigger invoked before it is destroyed. The project password comes from HIGHSTATE_PASSWORD or a prompt. Exits with 1 when an instance failed and 130 when cancelled.",
);
