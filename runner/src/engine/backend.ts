/**
 * Which Pulumi backend the units of a workspace use. The default is the file backend under
 * `.highstate/state`; a team can name any backend Pulumi supports (`s3://…`, `azblob://…`, `gs://…`,
 * `https://api.pulumi.com`) as `backend.url` in the workspace's `Pulumi.yaml` (Pulumi's own project
 * setting), or for one run with `HIGHSTATE_BACKEND_URL`. Nothing else in the runner assumes the file backend.
 */
import { join, resolve } from "node:path";
import { parse } from "yaml";
import { readFileIfExists, UnreadableFileError } from "../fs/index.js";
import { defaultBackendUrl } from "./unit-workdir.js";

/** Makes a relative `file://` URL absolute against the workspace root (unit work dirs live elsewhere). */
function absolutize(url: string, workspaceRoot: string): string {
  if (!url.startsWith("file://")) return url;
  const rest = url.slice("file://".length);
  if (rest.startsWith("/") || rest.startsWith("~")) return url;
  const [path, query] = rest.split("?", 2) as [string, string | undefined];
  return `file://${resolve(workspaceRoot, path)}${query !== undefined ? `?${query}` : ""}`;
}

/**
 * The backend URL of a workspace: `HIGHSTATE_BACKEND_URL`, else `backend.url` of the workspace's
 * `Pulumi.yaml`, else `file://<workspace>/.highstate/state`.
 *
 * @throws UnreadableFileError when `Pulumi.yaml` cannot be parsed or its `backend.url` is not a string.
 */
export async function resolveBackendUrl(
  workspaceRoot: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<string> {
  const fromEnv = env.HIGHSTATE_BACKEND_URL;
  if (fromEnv) return absolutize(fromEnv, workspaceRoot);
  const file = join(workspaceRoot, "Pulumi.yaml");
  const text = await readFileIfExists(file);
  if (text !== undefined) {
    let document: unknown;
    try {
      document = parse(text);
    } catch (error) {
      throw new UnreadableFileError(file, `invalid YAML: ${(error as Error).message}`, undefined, { cause: error });
    }
    const url = (document as { backend?: { url?: unknown } } | null)?.backend?.url;
    if (url !== undefined && url !== null) {
      if (typeof url !== "string" || url === "")
        throw new UnreadableFileError(file, "backend.url must be a non-empty string", { path: "backend.url" });
      return absolutize(url, workspaceRoot);
    }
  }
  return defaultBackendUrl(workspaceRoot);
}
