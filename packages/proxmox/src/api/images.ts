import { type ProxmoxClient, segment } from "./client.js";
import { ChecksumMismatchError, NoSuchVolumeError, ProxmoxApiError, ProxmoxTaskError } from "./errors.js";

/** The checksum algorithms images are verified with. */
export type ChecksumAlgorithm = "sha256" | "sha512";

/** A volume as `GET /nodes/{node}/storage/{storage}/content` lists it. */
export interface ProxmoxVolume {
  volid: string;
  content?: string;
  format?: string;
  size?: number;
}

/** What to download, where to. */
export interface DownloadImageRequest {
  nodeName: string;
  datastoreId: string;
  contentType: "import" | "iso";
  url: string;
  fileName: string;
  checksumAlgorithm: ChecksumAlgorithm;
  checksum: string;
  /** Whether Proxmox checks the TLS certificate of the image URL (default true). */
  verifyCertificates?: boolean;
  /** How long to wait for the download, in milliseconds (default 30 min). */
  timeoutMs?: number;
  /** How long to wait between task polls, in milliseconds (default 1 s). */
  pollMs?: number;
}

/** The volume id of a file on a datastore: `<datastore>:<content>/<file>`. */
export function volumeId(datastoreId: string, contentType: string, fileName: string): string {
  return `${datastoreId}:${contentType}/${fileName}`;
}

/**
 * Derives a file name Proxmox accepts for a downloaded image: the URL's last path segment with
 * characters outside `[A-Za-z0-9_.-]` replaced, the first 12 hex digits of the checksum added (so
 * another image under the same name never collides) and the extension the content type needs: `.img`
 * images (qcow2 in practice, as Ubuntu's) become `.qcow2` for `import`, `.qcow2` ones become `.img` for `iso`.
 */
export function imageFileName(url: string, contentType: "import" | "iso", checksum: string): string {
  const last = decodeURIComponent(
    new URL(url).pathname
      .split("/")
      .filter((part) => part !== "")
      .at(-1) ?? "image",
  );
  const clean = last.replace(/[^A-Za-z0-9_.-]/g, "_");
  const match = /^(.*?)(\.[A-Za-z0-9]+)?$/.exec(clean)!;
  const base = match[1] || "image";
  let extension = (match[2] ?? "").toLowerCase();
  if (contentType === "import") {
    if (extension === ".img" || ![".qcow2", ".raw", ".vmdk"].includes(extension)) extension = ".qcow2";
  } else if (extension !== ".iso" && extension !== ".img") {
    extension = ".img";
  }
  return `${base}-${checksum.slice(0, 12).toLowerCase()}${extension}`;
}

/** Lists the volumes of one content type on a datastore. */
export async function listVolumes(
  client: ProxmoxClient,
  nodeName: string,
  datastoreId: string,
  contentType: string,
): Promise<ProxmoxVolume[]> {
  return (
    (await client.get<ProxmoxVolume[]>(`/nodes/${segment(nodeName)}/storage/${segment(datastoreId)}/content`, { content: contentType })) ??
    []
  );
}

/**
 * Finds a volume on its datastore (the datastore and content type come from the volid).
 *
 * @throws NoSuchVolumeError listing what is there when it is missing.
 */
export async function findVolume(client: ProxmoxClient, nodeName: string, volid: string): Promise<ProxmoxVolume> {
  const match = /^([^:]+):([^/]+)\/(.+)$/.exec(volid);
  if (!match) throw new NoSuchVolumeError(volid, nodeName, []);
  const [, datastoreId, contentType] = match;
  const volumes = await listVolumes(client, nodeName, datastoreId!, contentType!);
  const volume = volumes.find((entry) => entry.volid === volid);
  if (!volume)
    throw new NoSuchVolumeError(
      volid,
      nodeName,
      volumes.map((entry) => entry.volid),
    );
  return volume;
}

interface TaskStatus {
  status: string;
  exitstatus?: string;
}

/** The node a task runs on, from its UPID (`UPID:<node>:…`). */
function taskNode(upid: string, fallback: string): string {
  return upid.split(":")[1] || fallback;
}

/**
 * Waits until a task stops and returns its exit status. A 400 answer means the task is not visible
 * yet, so it is retried, as Proxmox's own clients do.
 */
export async function waitForTask(
  client: ProxmoxClient,
  nodeName: string,
  upid: string,
  timeoutMs: number,
  pollMs = 1000,
): Promise<string> {
  const node = taskNode(upid, nodeName);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let status: TaskStatus | undefined;
    try {
      status = await client.get<TaskStatus>(`/nodes/${segment(node)}/tasks/${segment(upid)}/status`);
    } catch (error) {
      if (!(error instanceof ProxmoxApiError && error.status === 400)) throw error;
    }
    if (status && status.status !== "running") return status.exitstatus ?? "unexpected status";
    if (Date.now() > deadline) throw new ProxmoxTaskError(upid, `still running after ${Math.round(timeoutMs / 1000)} seconds`, []);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** Reads the log lines of a task. */
export async function taskLog(client: ProxmoxClient, nodeName: string, upid: string): Promise<string[]> {
  const lines = await client.get<{ n: number; t: string }[]>(`/nodes/${segment(taskNode(upid, nodeName))}/tasks/${segment(upid)}/log`, {
    start: 0,
    limit: 50,
  });
  return (lines ?? []).map((line) => line.t);
}

const mismatchPattern = /checksum mismatch: got '([^']*)' != expect '([^']*)'/;

/**
 * Makes Proxmox download an image from a URL to a datastore (`download-url`), verified against the
 * checksum, and waits for it. Returns the volume.
 *
 * @throws ChecksumMismatchError with the expected and the actual checksum when they differ (Proxmox
 *   then keeps nothing).
 * @throws ProxmoxTaskError with the task log when the download fails otherwise.
 */
export async function downloadImage(client: ProxmoxClient, request: DownloadImageRequest): Promise<ProxmoxVolume> {
  const path = `/nodes/${segment(request.nodeName)}/storage/${segment(request.datastoreId)}/download-url`;
  const upid = await client.post<string>(path, {
    url: request.url,
    content: request.contentType,
    filename: request.fileName,
    checksum: request.checksum.toLowerCase(),
    "checksum-algorithm": request.checksumAlgorithm,
    "verify-certificates": request.verifyCertificates ?? true,
  });
  const exitStatus = await waitForTask(client, request.nodeName, upid, request.timeoutMs ?? 30 * 60_000, request.pollMs);
  if (exitStatus !== "OK" && !exitStatus.startsWith("WARNINGS")) {
    const mismatch = mismatchPattern.exec(exitStatus);
    if (mismatch) throw new ChecksumMismatchError(request.url, request.checksumAlgorithm, mismatch[2]!, mismatch[1]!);
    throw new ProxmoxTaskError(upid, exitStatus, await taskLog(client, request.nodeName, upid).catch(() => []));
  }
  return findVolume(client, request.nodeName, volumeId(request.datastoreId, request.contentType, request.fileName));
}

/** Deletes a volume; a volume that is already gone is fine. */
export async function deleteVolume(client: ProxmoxClient, nodeName: string, volid: string): Promise<void> {
  const datastoreId = volid.slice(0, volid.indexOf(":"));
  try {
    const upid = await client.delete<string | null>(
      `/nodes/${segment(nodeName)}/storage/${segment(datastoreId)}/content/${segment(volid)}`,
    );
    if (typeof upid === "string" && upid.startsWith("UPID:")) await waitForTask(client, nodeName, upid, 10 * 60_000);
  } catch (error) {
    if (error instanceof ProxmoxApiError && (error.status === 404 || /does not exist|no such/i.test(error.reason))) return;
    throw error;
  }
}
