/**
 * The designer's access token. `highstate designer` prints a URL whose fragment carries it
 * (`#token=…`): browsers never send a fragment to any server, and a page on another port of
 * 127.0.0.1 is another origin, so it can neither read this tab's session storage nor receive the
 * token the way it would receive a cookie (cookies are shared by every port of a host). The page
 * moves the token to session storage (kept across reloads of this tab, gone when the tab closes),
 * removes it from the address bar and history, and presents it as `Authorization: Bearer` and as a
 * WebSocket subprotocol entry.
 */
import { apiWebSocketProtocols } from "@highstate/project/api";

const storageKey = "highstate.access-token";
const fragmentToken = /(^#|[&?])token=([A-Za-z0-9_-]+)&?/;

function storage(): Storage | undefined {
  try {
    return globalThis.sessionStorage;
  } catch {
    // Storage can be disabled; the token then lives only in memory for this page.
    return undefined;
  }
}

let memoryToken: string | undefined;

/**
 * Takes the token out of the URL fragment, if there is one: stores it for this tab and rewrites the
 * address (without adding a history entry) so it is neither shown, bookmarked nor shared. Returns it.
 */
export function captureAccessToken(
  target: Pick<Location, "hash" | "href"> = location,
  replace: (url: string) => void = (url) => history.replaceState(history.state, "", url),
): string | undefined {
  const match = fragmentToken.exec(target.hash);
  if (match) {
    memoryToken = match[2]!;
    storage()?.setItem(storageKey, memoryToken);
    // `#token=…#/projects/x` (a route appended to the printed URL) keeps the route.
    const rest = target.hash.replace(fragmentToken, "$1").replace(/[&?]$/, "").replace(/^##/, "#");
    const url = new URL(target.href);
    url.hash = rest === "#" ? "" : rest;
    replace(url.hash === "" ? `${url.pathname}${url.search}` : url.href);
  }
  return accessToken();
}

/** The token of this tab, when the page was opened with one. */
export function accessToken(): string | undefined {
  return storage()?.getItem(storageKey) ?? memoryToken;
}

/** Headers that authenticate an API request. */
export function authorizationHeaders(): Record<string, string> {
  const token = accessToken();
  return token === undefined ? {} : { authorization: `Bearer ${token}` };
}

/** Opens an authenticated WebSocket to the designer server. */
export function openApiSocket(url: string): WebSocket {
  const token = accessToken();
  return token === undefined ? new WebSocket(url) : new WebSocket(url, apiWebSocketProtocols(token));
}
