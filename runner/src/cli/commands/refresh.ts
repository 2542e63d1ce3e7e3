import { operationCommand } from "../operation-command.js";

export default operationCommand(
  "refresh",
  "Read instances' resources back from the real world",
  "Runs `pulumi refresh` for each named instance (ids like `<type>:<name>`, or names) that is created, so Pulumi's state matches what exists. The project password comes from HIGHSTATE_PASSWORD or a prompt.",
);
