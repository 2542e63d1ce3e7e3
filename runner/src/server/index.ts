/**
 * The designer server for programs: `startDesignerServer({ workspace, port, host, engine })` starts the
 * same server as `highstate designer` and resolves to `{ url, token, close, … }`. The API it serves is
 * typed in `@highstate/project/api` (also exported as `@highstate/runner/api`).
 */
export { type DesignerCloseOptions, type DesignerServer, type DesignerServerOptions, startDesignerServer } from "./designer-server.js";
export { ListenError, NoSuchWorkspaceError, RemoteAccessNotAllowedError } from "./errors.js";
