/** Maps a refused mutation to an inline arg error, when the server names the arg. */
import { ApiRequestError } from "../api/client.js";

/** `{ path: message }` for an error about one arg (`field` like `mutations.0.args.endpoint`), else `undefined`. */
export function argErrorFromServer(error: unknown): Record<string, string> | undefined {
  if (!(error instanceof ApiRequestError) || !error.field) return undefined;
  const match = /^mutations\.\d+\.args\.(.+)$/.exec(error.field);
  if (!match) return undefined;
  const path = match[1]!;
  const quoted = new RegExp(`"${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}": ([^;]+?)(?:;|\\.$|$)`).exec(error.message);
  return { [path]: quoted ? `is not valid: ${quoted[1]}` : "is not valid" };
}
