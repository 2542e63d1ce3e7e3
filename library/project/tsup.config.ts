import { defineHighstateConfig } from "../../tooling/tsup.ts";

export default defineHighstateConfig(import.meta.dirname);
