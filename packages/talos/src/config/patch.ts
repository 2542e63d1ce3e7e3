import { parseAllDocuments } from "yaml";
import type { MachineConfigDocument } from "./generate.js";

/** One RFC 6902 JSON patch operation. */
export interface JsonPatchOperation {
  op: "add" | "remove" | "replace" | "move" | "copy" | "test";
  path: string;
  value?: unknown;
  from?: string;
}

/** A parsed config patch: strategic-merge documents, or RFC 6902 operations. */
export type ConfigPatch =
  | { kind: "strategic"; documents: MachineConfigDocument[] }
  | { kind: "json6902"; operations: JsonPatchOperation[] };

/** Thrown when a config patch cannot be read or applied; the message names the patch. */
export class InvalidConfigPatchError extends Error {
  override name = "InvalidConfigPatchError";
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const isDelete = (value: unknown) => isObject(value) && value.$patch === "delete";

/**
 * Reads a config patch from YAML or JSON as talosctl does: a list of `{op, path, value}` is an RFC 6902
 * patch; one or more YAML documents (separated by `---`) are a strategic-merge patch (partial v1alpha1
 * documents and other config documents, with `$patch: delete` to remove a subtree or a document).
 *
 * @param what names the patch in errors, e.g. `arg "sharedConfigPatch"`.
 */
export function parseConfigPatch(text: string, what: string): ConfigPatch {
  const documents = parseAllDocuments(text);
  const values: unknown[] = [];
  for (const document of Array.isArray(documents) ? documents : [documents]) {
    if (document.errors.length > 0)
      throw new InvalidConfigPatchError(`The config patch in ${what} is not valid YAML: ${document.errors[0]?.message}`);
    const value = document.toJS();
    if (value !== null && value !== undefined) values.push(value);
  }
  if (values.length === 1 && Array.isArray(values[0])) {
    const operations = values[0] as JsonPatchOperation[];
    operations.forEach((operation, index) => {
      if (
        !isObject(operation) ||
        !["add", "remove", "replace", "move", "copy", "test"].includes(String(operation.op)) ||
        typeof operation.path !== "string"
      ) {
        throw new InvalidConfigPatchError(
          `Operation ${index + 1} of the JSON patch in ${what} needs "op" (add, remove, replace, move, copy or test) and "path"`,
        );
      }
    });
    return { kind: "json6902", operations };
  }
  for (const [index, value] of values.entries()) {
    if (!isObject(value))
      throw new InvalidConfigPatchError(
        `Document ${index + 1} of the config patch in ${what} is not a mapping: give partial machine config YAML or a JSON patch list`,
      );
  }
  return { kind: "strategic", documents: values as MachineConfigDocument[] };
}

/** Lists replaced as a whole rather than appended to, as Talos marks them `merge:"replace"`. */
const replacedLists = new Set(["cluster.network.podSubnets", "cluster.network.serviceSubnets"]);
/** Objects replaced as a whole. */
const replacedObjects = new Set(["cluster.apiServer.auditPolicy"]);
/** Lists whose items are merged by a key instead of appended. */
const keyedLists: Record<string, (item: Record<string, unknown>) => unknown> = {
  "machine.network.interfaces": (item) => item.interface ?? JSON.stringify(item.deviceSelector ?? null),
  "machine.network.interfaces.vlans": (item) => item.vlanId,
  "cluster.apiServer.admissionControl": (item) => item.name,
};

function stripDirectives(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripDirectives);
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key, item]) => key !== "$patch" && !isDelete(item))
      .map(([key, item]) => [key, stripDirectives(item)]),
  );
}

/** Merges `right` into `left` with Talos's rules (`pkg/machinery/config/merge`), returning a new value. */
function merge(left: unknown, right: unknown, path: string): unknown {
  if (right === null || right === undefined) return left;
  if (isObject(right)) {
    if (!isObject(left) || replacedObjects.has(path)) return stripDirectives(right);
    const result: Record<string, unknown> = { ...left };
    for (const [key, value] of Object.entries(right)) {
      if (key === "$patch") continue;
      if (isDelete(value)) {
        delete result[key];
        continue;
      }
      result[key] = merge(left[key], value, path ? `${path}.${key}` : key);
    }
    return result;
  }
  if (Array.isArray(right)) {
    if (!Array.isArray(left) || replacedLists.has(path)) return stripDirectives(right);
    const keyOf = keyedLists[path.replace(/\.interfaces\.\d+\.vlans$/, ".interfaces.vlans")];
    if (!keyOf) return [...left, ...(stripDirectives(right) as unknown[])];
    const result = [...left];
    for (const item of right) {
      const index = isObject(item) ? result.findIndex((existing) => isObject(existing) && keyOf(existing) === keyOf(item)) : -1;
      if (index < 0) result.push(stripDirectives(item));
      else if (isDelete(item)) result.splice(index, 1);
      else result[index] = merge(result[index], item, path);
    }
    return result;
  }
  // Go's merge keeps the left value when the right one is the zero value, except for booleans.
  if (right === "" || right === 0) return left === undefined ? right : left;
  return right;
}

const documentKey = (document: MachineConfigDocument) =>
  document.kind === undefined ? "v1alpha1" : `${String(document.apiVersion)}/${String(document.kind)}/${String(document.name ?? "")}`;

function decodePointer(pointer: string, what: string): string[] {
  if (pointer === "") return [];
  if (!pointer.startsWith("/")) throw new InvalidConfigPatchError(`The JSON patch path "${pointer}" in ${what} must start with "/"`);
  return pointer
    .slice(1)
    .split("/")
    .map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function applyJsonPatch(document: MachineConfigDocument, operations: JsonPatchOperation[], what: string): MachineConfigDocument {
  const root: unknown = structuredClone(document);
  const fail = (operation: JsonPatchOperation, reason: string): never => {
    throw new InvalidConfigPatchError(`The JSON patch in ${what} cannot ${operation.op} "${operation.path}": ${reason}`);
  };
  const parentOf = (operation: JsonPatchOperation, pointer: string): [Record<string, unknown> | unknown[], string] => {
    const parts = decodePointer(pointer, what);
    const last = parts.pop();
    if (last === undefined) fail(operation, "the whole document cannot be the target");
    let node: unknown = root;
    for (const part of parts) {
      node = Array.isArray(node) ? node[Number(part)] : isObject(node) ? node[part] : undefined;
      if (node === undefined) fail(operation, `"${part}" does not exist`);
    }
    if (!isObject(node) && !Array.isArray(node)) fail(operation, "its parent is not an object or list");
    return [node as Record<string, unknown> | unknown[], last as string];
  };
  const get = (operation: JsonPatchOperation, pointer: string): unknown => {
    const [parent, key] = parentOf(operation, pointer);
    const value = Array.isArray(parent) ? parent[Number(key)] : parent[key];
    if (value === undefined) fail(operation, `"${pointer}" does not exist`);
    return value;
  };
  const remove = (operation: JsonPatchOperation, pointer: string) => {
    const [parent, key] = parentOf(operation, pointer);
    get(operation, pointer);
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete parent[key];
  };
  const add = (operation: JsonPatchOperation, pointer: string, value: unknown) => {
    const [parent, key] = parentOf(operation, pointer);
    if (Array.isArray(parent)) {
      const index = key === "-" ? parent.length : Number(key);
      if (!Number.isInteger(index) || index < 0 || index > parent.length) fail(operation, `index "${key}" is out of range`);
      parent.splice(index, 0, value);
    } else parent[key] = value;
  };
  for (const operation of operations) {
    switch (operation.op) {
      case "add":
        add(operation, operation.path, structuredClone(operation.value));
        break;
      case "remove":
        remove(operation, operation.path);
        break;
      case "replace":
        remove(operation, operation.path);
        add(operation, operation.path, structuredClone(operation.value));
        break;
      case "move":
      case "copy": {
        if (operation.from === undefined) fail(operation, `"from" is required`);
        const value = structuredClone(get(operation, operation.from as string));
        if (operation.op === "move") remove(operation, operation.from as string);
        add(operation, operation.path, value);
        break;
      }
      case "test":
        if (JSON.stringify(get(operation, operation.path)) !== JSON.stringify(operation.value)) fail(operation, "the value differs");
        break;
    }
  }
  if (!isObject(root)) throw new InvalidConfigPatchError(`The JSON patch in ${what} did not leave a document`);
  return root;
}

/**
 * Applies patches in order to a machine config (its documents, the v1alpha1 document first), with
 * talosctl's semantics: strategic-merge documents are merged into the document of the same kind (and
 * name) or appended; `$patch: delete` removes a subtree or a document; lists are appended to, except
 * subnets (replaced) and interfaces, VLANs and admission plugins (merged by key). JSON 6902 patches
 * apply to single-document configs only.
 *
 * @param patches the patches, each with a label for errors (e.g. `arg "workerConfigPatch"`).
 */
export function applyConfigPatches(
  documents: MachineConfigDocument[],
  patches: Array<{ patch: ConfigPatch; what: string }>,
): MachineConfigDocument[] {
  let result = documents.map((document) => structuredClone(document));
  for (const { patch, what } of patches) {
    if (patch.kind === "json6902") {
      if (result.length !== 1)
        throw new InvalidConfigPatchError(
          `The JSON patch in ${what} cannot be applied: JSON 6902 patches only work on single-document machine configs`,
        );
      result = [applyJsonPatch(result[0] as MachineConfigDocument, patch.operations, what)];
      continue;
    }
    for (const document of patch.documents) {
      const key = documentKey(document);
      const index = result.findIndex((existing) => documentKey(existing) === key);
      if (isDelete(document)) {
        if (index < 0)
          throw new InvalidConfigPatchError(`The config patch in ${what} deletes document "${key}", which the config does not have`);
        result.splice(index, 1);
      } else if (index < 0) {
        result.push(stripDirectives(document) as MachineConfigDocument);
      } else {
        result[index] = merge(result[index], document, "") as MachineConfigDocument;
      }
    }
  }
  return result;
}
