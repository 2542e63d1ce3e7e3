import { parseAllDocuments, stringify } from "yaml";
import { InvalidMachineConfigError, type MachineConfigDocument } from "./generate.js";

/** Renders machine config documents as one multi-document YAML text (documents separated by `---`), as Talos reads it. */
export function renderMachineConfig(documents: MachineConfigDocument[]): string {
  return documents.map((document) => stringify(document, { lineWidth: 0 })).join("---\n");
}

/** Reads a multi-document machine config YAML back into documents. */
export function parseMachineConfig(text: string, what: string): MachineConfigDocument[] {
  const documents = parseAllDocuments(text);
  const list = Array.isArray(documents) ? documents : [documents];
  return list.map((document, index) => {
    if (document.errors.length > 0)
      throw new InvalidMachineConfigError(
        `Document ${index + 1} of the machine config ${what} is not valid YAML: ${document.errors[0]?.message}`,
      );
    return document.toJS() as MachineConfigDocument;
  });
}
