import { operationCommand } from "../operation-command.js";

export default operationCommand(
  "up",
  "Create or update instances with Pulumi",
  "Runs `pulumi up` for each named instance (ids like `<type>:<name>`, or names), dependencies first and independent instances in parallel. With --include-dependencies, instances they take inputs from that are not created or are outdated run first. A failed instance stops the instances that depend on it, not the others. Ctrl+C cancels gracefully (Pulumi finishes its current steps); a second Ctrl+C stops at once. The project password comes from HIGHSTATE_PASSWORD or a prompt. Exits with 1 when an instance failed and 130 when cancelled.",
);
