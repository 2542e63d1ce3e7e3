/**
 * Calls a designer server's HTTP API with its access token, as the app does: JSON in, JSON out; throws
 * with the method, path, status and the server's message unless it answers 2xx.
 */
export function apiClient(baseUrl: string, token: string) {
  return async function request<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(new URL(path, baseUrl), {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} → ${response.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
}

/** An {@link apiClient} for a designer started by the tests, with the token from the URL it printed (`#token=…`). */
export function designerApi(designer: { url: string; baseUrl: string }) {
  const url = new URL(designer.url);
  const token = new URLSearchParams(url.hash.slice(1)).get("token") ?? url.searchParams.get("token");
  if (!token) throw new Error(`the designer printed a URL without a token: ${designer.url}`);
  return apiClient(designer.baseUrl, token);
}
