/**
 * A Vite plugin that splits the Material Design Icons set (`@iconify-json/mdi`, 2.9 MB) into
 * {@link iconBucketCount} chunks by a hash of the icon name, so the designer loads only the buckets
 * holding the icons on screen. `virtual:mdi-icon-buckets` exports `loadIconBucket(index)`; each
 * bucket maps icon names (aliases resolved to their parent's body) to SVG bodies.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Plugin } from "vite";
import { iconBucket, iconBucketCount } from "../src/icons/icon-buckets.ts";

interface IconSet {
  icons: Record<string, { body: string; hidden?: boolean }>;
  aliases?: Record<string, { parent: string }>;
}

const indexId = "virtual:mdi-icon-buckets";
const bucketPrefix = "virtual:mdi-icon-bucket/";

/** Icon name → body per bucket. */
export function splitIconSet(set: IconSet): Array<Record<string, string>> {
  const buckets: Array<Record<string, string>> = Array.from({ length: iconBucketCount }, () => ({}));
  for (const [name, icon] of Object.entries(set.icons)) buckets[iconBucket(name)]![name] = icon.body;
  for (const [name, alias] of Object.entries(set.aliases ?? {})) {
    const body = set.icons[alias.parent]?.body;
    if (body) buckets[iconBucket(name)]![name] = body;
  }
  return buckets;
}

export function iconBucketsPlugin(): Plugin {
  let buckets: Array<Record<string, string>> | undefined;
  const load = () => {
    if (!buckets) {
      const file = createRequire(import.meta.url).resolve("@iconify-json/mdi/icons.json");
      buckets = splitIconSet(JSON.parse(readFileSync(file, "utf8")) as IconSet);
    }
    return buckets;
  };
  return {
    name: "highstate-mdi-icon-buckets",
    resolveId(id) {
      if (id === indexId || id.startsWith(bucketPrefix)) return `\0${id}`;
      return undefined;
    },
    load(id) {
      if (id === `\0${indexId}`) {
        const cases = Array.from(
          { length: iconBucketCount },
          (_, index) => `    case ${index}: return import(${JSON.stringify(`${bucketPrefix}${index}`)}).then((module) => module.default);`,
        );
        return `export function loadIconBucket(index) {\n  switch (index) {\n${cases.join("\n")}\n    default: return Promise.resolve({});\n  }\n}\n`;
      }
      if (id.startsWith(`\0${bucketPrefix}`)) {
        const index = Number(id.slice(bucketPrefix.length + 1));
        return `export default JSON.parse(${JSON.stringify(JSON.stringify(load()[index] ?? {}))});\n`;
      }
      return undefined;
    },
  };
}
