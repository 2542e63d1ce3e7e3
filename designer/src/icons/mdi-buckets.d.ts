/** The icon buckets the build generates (see `iconBucketsPlugin` in `vite.config.ts`). */
declare module "virtual:mdi-icon-buckets" {
  /** Loads one bucket: icon name (aliases resolved) → SVG body in a 24×24 view box. */
  export function loadIconBucket(index: number): Promise<Record<string, string>>;
}
