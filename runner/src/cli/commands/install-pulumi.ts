import { installPulumiCli, locatePulumiCli, PINNED_PULUMI_VERSION, pulumiVersionRoot } from "../../engine/pulumi-cli.js";
import type { CommandSpec } from "../command.js";
import { CliError } from "../errors.js";

const command: CommandSpec = {
  name: "install-pulumi",
  worksUnderPlugAndPlay: true,
  summary: `Install the Pulumi CLI Highstate is tested with (${PINNED_PULUMI_VERSION})`,
  description: `Downloads Pulumi's official installer and installs the Pulumi CLI ${PINNED_PULUMI_VERSION} into ~/.pulumi/versions/${PINNED_PULUMI_VERSION}, where Highstate finds it first (it does not touch a pulumi already on PATH). Needs network access to get.pulumi.com and GitHub.`,
  async run(context) {
    const root = pulumiVersionRoot();
    const existing = await locatePulumiCli({ path: "" }).catch(() => undefined);
    if (existing?.pinned) {
      context.print(`Pulumi ${existing.version} is already installed at "${existing.command}".`);
      return 0;
    }
    context.print(`Installing Pulumi ${PINNED_PULUMI_VERSION} into "${root}"…`);
    try {
      const installed = await installPulumiCli({ root });
      context.print(`Installed Pulumi ${installed.version} at "${installed.command}".`);
      return 0;
    } catch (error) {
      throw new CliError((error as Error).message, 1, { cause: error });
    }
  },
};

export default command;
