import { type ProxmoxClient, segment } from "./client.js";
import { NoSuitableDatastoreError, NoSuitableNodeError } from "./errors.js";

/** A node as `GET /nodes` lists it. */
export interface ProxmoxNode {
  node: string;
  status: string;
}

/** A datastore as `GET /nodes/{node}/storage` lists it. */
export interface ProxmoxStorage {
  storage: string;
  type: string;
  /** Comma-separated content types, in any order. */
  content: string;
  active?: number;
  enabled?: number;
  shared?: number;
  avail?: number;
}

/** What the node and datastores of a connection are, given or detected. */
export interface ProxmoxDefaults {
  /** The Proxmox VE version, e.g. `8.4.1`. */
  version: string;
  /** The node VMs and images go to. */
  nodeName: string;
  /** The datastore for VM disks and cloud-init drives (content `images`). */
  datastoreId: string;
  /** The datastore downloaded images go to. */
  imageDatastoreId: string;
  /** `import` (disk images imported through the API) or `iso` (older Proxmox; needs SSH to use). */
  imageContentType: "import" | "iso";
  /** A datastore with `snippets` enabled (for cloud-init vendor data), when the node has one. */
  snippetsDatastoreId?: string;
  /** Which of the above were detected rather than given, for the status field. */
  detected: ("nodeName" | "datastoreId" | "imageDatastoreId")[];
}

/** What the caller fixed; the rest is detected. */
export interface ProxmoxDefaultsRequest {
  nodeName?: string;
  datastoreId?: string;
  imageDatastoreId?: string;
}

function contents(store: ProxmoxStorage): Set<string> {
  return new Set(
    store.content
      .split(",")
      .map((part) => part.trim())
      .filter((part) => part !== ""),
  );
}

function usable(store: ProxmoxStorage): boolean {
  return store.active !== 0 && store.enabled !== 0;
}

/** Whether the version accepts `import` downloads (Proxmox VE 8.4 and later). */
export function supportsImportContent(version: string): boolean {
  const [major = 0, minor = 0] = version.split(".").map((part) => Number.parseInt(part, 10));
  return major > 8 || (major === 8 && minor >= 4);
}

/** Local stores first, then the one with the most free space, then by name, so detection is stable. */
function preferred(stores: ProxmoxStorage[]): ProxmoxStorage | undefined {
  return [...stores].sort(
    (a, b) => (a.shared ?? 0) - (b.shared ?? 0) || (b.avail ?? 0) - (a.avail ?? 0) || a.storage.localeCompare(b.storage),
  )[0];
}

/**
 * Finds the node and datastores a connection uses: the given ones are checked, the others detected
 * from the API (the first online node by name; the local datastore with the most free space that
 * holds VM disks; one that holds `import` images on Proxmox VE ≥ 8.4, else `iso`; one with snippets).
 *
 * @throws NoSuitableNodeError when the named node is missing or offline, or no node is online.
 * @throws NoSuitableDatastoreError when no datastore (or not the named one) can hold VM disks or images.
 */
export async function detectDefaults(client: ProxmoxClient, request: ProxmoxDefaultsRequest = {}): Promise<ProxmoxDefaults> {
  const detected: ProxmoxDefaults["detected"] = [];
  const { version } = await client.get<{ version: string }>("/version");
  const nodes = (await client.get<ProxmoxNode[]>("/nodes")) ?? [];
  let nodeName = request.nodeName;
  if (nodeName !== undefined) {
    const node = nodes.find((entry) => entry.node === nodeName);
    if (!node) throw new NoSuitableNodeError(client.endpoint, `there is no node "${nodeName}" (the "nodeName" arg)`, nodes);
    if (node.status !== "online") throw new NoSuitableNodeError(client.endpoint, `the node "${nodeName}" is ${node.status}`, nodes);
  } else {
    const online = nodes.filter((entry) => entry.status === "online").sort((a, b) => a.node.localeCompare(b.node));
    if (online.length === 0) throw new NoSuitableNodeError(client.endpoint, "no node is online", nodes);
    nodeName = online[0]!.node;
    detected.push("nodeName");
  }

  const stores = (await client.get<ProxmoxStorage[]>(`/nodes/${segment(nodeName)}/storage`)) ?? [];
  const describe = stores.map((store) => ({
    storage: store.storage,
    content: store.content,
    active: store.active !== 0,
    enabled: store.enabled !== 0,
  }));
  const pick = (given: string | undefined, field: string, accepts: (store: ProxmoxStorage) => boolean, what: string) => {
    if (given !== undefined) {
      const store = stores.find((entry) => entry.storage === given);
      if (!store) throw new NoSuitableDatastoreError(nodeName, `there is no datastore "${given}" (the "${field}" arg)`, describe);
      if (!usable(store))
        throw new NoSuitableDatastoreError(nodeName, `the datastore "${given}" (the "${field}" arg) is inactive or disabled`, describe);
      if (!accepts(store))
        throw new NoSuitableDatastoreError(nodeName, `the datastore "${given}" (the "${field}" arg) cannot hold ${what}`, describe);
      return store;
    }
    const store = preferred(stores.filter((entry) => usable(entry) && accepts(entry)));
    if (!store) {
      throw new NoSuitableDatastoreError(
        nodeName,
        `no active datastore can hold ${what}; enable that content type on one (Datacenter → Storage) or set the "${field}" arg`,
        describe,
      );
    }
    return store;
  };

  const disks = pick(request.datastoreId, "datastoreId", (store) => contents(store).has("images"), "VM disks (content type images)");
  if (request.datastoreId === undefined) detected.push("datastoreId");
  const importOk = supportsImportContent(version);
  const canImport = (store: ProxmoxStorage) => importOk && contents(store).has("import");
  const what = importOk ? "downloaded images (content type import or iso)" : "downloaded images (content type iso)";
  // Import stores come first: their images are used through the API alone, iso ones need SSH.
  const images =
    request.imageDatastoreId === undefined && stores.some((store) => usable(store) && canImport(store))
      ? pick(undefined, "imageDatastoreId", canImport, what)
      : pick(request.imageDatastoreId, "imageDatastoreId", (store) => canImport(store) || contents(store).has("iso"), what);
  if (request.imageDatastoreId === undefined) detected.push("imageDatastoreId");
  const imageContentType = importOk && contents(images).has("import") ? "import" : "iso";
  const snippets = preferred(stores.filter((store) => usable(store) && contents(store).has("snippets")));
  return {
    version,
    nodeName,
    datastoreId: disks.storage,
    imageDatastoreId: images.storage,
    imageContentType,
    ...(snippets ? { snippetsDatastoreId: snippets.storage } : {}),
    detected,
  };
}
