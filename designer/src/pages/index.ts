/** Registers the `page` dock panel kind, opened with `openPage(instanceId, name)` from the dock store. */
import { registerDockPanel } from "../dock/dock-store.js";
import { PagePanel } from "./PagePanel.js";

registerDockPanel("page", PagePanel);

export { PagePanel } from "./PagePanel.js";
export { downloadFile, FileBlock, MarkdownBlock, QrBlock } from "./page-blocks.js";
