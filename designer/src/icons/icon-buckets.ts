/**
 * How the Material Design Icons set is split for loading on demand: every icon name falls into one of
 * {@link iconBucketCount} buckets by a hash of its name, and each bucket is its own small chunk of the
 * build (see `iconBucketsPlugin` in `vite.config.ts`). A card with `mdi:server` loads the one bucket
 * that holds `server` (about 12 kB), never the whole 2.9 MB set.
 */

/** How many buckets the set is split into. */
export const iconBucketCount = 256;

/** The bucket an icon name (without the `mdi:` prefix) is in: FNV-1a of the name. */
export function iconBucket(name: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < name.length; index++) {
    hash ^= name.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % iconBucketCount;
}
