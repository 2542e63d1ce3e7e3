import { defineHighstateConfig } from "@highstate/contract/build";

export default defineHighstateConfig(import.meta.dirname);
