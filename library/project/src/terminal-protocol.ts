/**
 * The terminal part of the designer API: what opening a terminal returns and the JSON text frames of a
 * terminal socket. It imports nothing; the runner's terminals (which speak it) and the designer import
 * it through `@highstate/project/api`.
 */

/** The body of `POST …/terminals/:terminal`: the session to attach a WebSocket to. */
export interface TerminalSession {
  sessionId: string;
  /** Path of the WebSocket to connect to, e.g. `/api/terminals/<sessionId>`. */
  url: string;
  title: string;
}

/** Text frames on a terminal socket. */
export type TerminalControlMessage =
  | { type: "resize"; cols: number; rows: number }
  /**
   * From the client: stop (`pause`) or restart (`resume`) terminal output while the client's own
   * rendering is behind (xterm.js write-callback flow control). The server also pauses on its own
   * while the socket's send buffer is above its high-water mark.
   */
  | { type: "pause" }
  | { type: "resume" }
  | { type: "exit"; code: number | null; signal?: string | null }
  | { type: "error"; message: string };
