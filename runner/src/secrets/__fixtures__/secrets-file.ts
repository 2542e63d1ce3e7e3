/**
 * Edits of a project's secrets file (`Pulumi.<project>.yaml`) as a hand edit, a merge or a commit
 * makes them: the YAML is changed in place and nothing is re-encrypted or re-bound.
 */
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type Document, parseDocument } from "yaml";
import { secretBindingsConfigKey } from "../bindings.js";
import { boundSaltsFileName } from "../project-secrets.js";

/** Where a secret's ciphertext sits in the file. */
export const securePath = (instanceId: string, name: string) => ["config", "highstate:secrets", instanceId, name, "secure"];

/** Parses the file, applies `edit` and writes it back (long lines left unfolded). */
export async function editSecretsFile(file: string, edit: (doc: Document) => void): Promise<void> {
  const doc = parseDocument(await readFile(file, "utf8"));
  edit(doc);
  await writeFile(file, doc.toString({ lineWidth: 0 }));
}

/** Swaps the ciphertexts of two secrets; their bindings stay where they were. */
export async function swapSecureValues(
  file: string,
  first: { instanceId: string; name: string },
  second: { instanceId: string; name: string },
): Promise<void> {
  await editSecretsFile(file, (doc) => {
    const value = doc.getIn(securePath(first.instanceId, first.name));
    doc.setIn(securePath(first.instanceId, first.name), doc.getIn(securePath(second.instanceId, second.name)));
    doc.setIn(securePath(second.instanceId, second.name), value);
  });
}

/**
 * Removes the bindings section, as in a file an older Highstate wrote. With `workspace`, also the
 * workspace's record of having seen the file with bindings, as in a fresh clone.
 */
export async function removeSecretBindings(file: string, workspace?: string): Promise<void> {
  await editSecretsFile(file, (doc) => doc.deleteIn(["config", secretBindingsConfigKey]));
  if (workspace !== undefined) await rm(join(workspace, ".highstate", boundSaltsFileName), { force: true });
}
