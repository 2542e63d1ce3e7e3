import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import type { MachineConfigDocument } from "../generate.js";

const dir = join(import.meta.dirname, "talos-1.11");
const schema = JSON.parse(readFileSync(join(dir, "config.schema.json"), "utf8")) as { $id: string; $defs: Record<string, { properties?: { kind?: { enum?: string[] } } }> };
const ajv = new Ajv2020({ strict: false, allErrors: true });
(addFormatsModule as unknown as (ajv: Ajv2020) => void)(ajv);
ajv.addSchema(schema);

/** Reads one of Talos's 1.11 stability goldens. */
export function golden(name: string): string {
  return readFileSync(join(dir, name), "utf8");
}

/** The `$defs` entry of a document kind in Talos's schema. */
function definitionOf(document: MachineConfigDocument): string {
  if (document.kind === undefined) return "v1alpha1.Config";
  const entry = Object.entries(schema.$defs).find(([, definition]) => definition.properties?.kind?.enum?.includes(String(document.kind)));
  if (!entry) throw new Error(`Talos 1.11's schema has no document kind "${String(document.kind)}"`);
  return entry[0];
}

/** Validates each document against Talos 1.11's published JSON Schema; returns the errors (`<kind> <path> <message>`), empty when valid. */
export function talosSchemaErrors(documents: MachineConfigDocument[]): string[] {
  const errors: string[] = [];
  for (const document of documents) {
    const definition = definitionOf(document);
    const validate = ajv.getSchema(`${schema.$id}#/$defs/${definition}`)!;
    if (!validate(document)) {
      for (const error of validate.errors ?? []) errors.push(`${definition} ${error.instancePath || "/"} ${error.message}${error.params && "additionalProperty" in error.params ? ` "${String(error.params.additionalProperty)}"` : ""}`);
    }
  }
  return errors;
}
