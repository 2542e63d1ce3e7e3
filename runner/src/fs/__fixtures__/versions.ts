/** The complete content of version `n` of the test file: large enough that a write takes a while. */
export function versionContent(version: number): string {
  const filler = String.fromCharCode(97 + (version % 26)).repeat(512 * 1024 + (version % 7) * 1000);
  return `${JSON.stringify({ version, filler }, null, 2)}\n`;
}

/** Checks that a text is exactly one complete version and returns it. */
export function parseVersion(text: string): number {
  const parsed = JSON.parse(text) as { version: number };
  if (text !== versionContent(parsed.version)) throw new Error(`file is not a complete version ${parsed.version}`);
  return parsed.version;
}
