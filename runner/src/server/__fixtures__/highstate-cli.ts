/**
 * Runs the `highstate` CLI from source in a child process (tests start it with
 * `node --conditions=@highstate/source --import tsx`), exactly as the bin does with the build.
 */
import { main } from "../../cli/main.js";

process.exitCode = await main(process.argv.slice(2));
