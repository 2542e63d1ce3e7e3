import { operationCommand } from "../operation-command.js";

export default operationCommand(
  "preview",
  "Show what `up` would change, without changing anything",
  "Runs `pulumi preview` for each named instance (ids like `<type>:<name>`, or names), in dependency order. The instances they take inputs from must be created. The project password comes from HIGHSTATE_PASSWORD or a prompt.",
);
