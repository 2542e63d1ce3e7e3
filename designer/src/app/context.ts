/** The services every screen uses, passed down through React context. */
import type { Registry } from "@highstate/contract";
import type { SessionInfo } from "@highstate/project/api";
import { createContext, useContext } from "react";
import type { ApiClient } from "../api/client.js";
import type { EventStream } from "../api/events.js";
import type { ProjectStore } from "../state/project-store.js";

export interface AppServices {
  api: ApiClient;
  events: EventStream;
  registry: Registry;
  session: SessionInfo;
}

export const AppContext = createContext<AppServices | null>(null);
export const ProjectContext = createContext<ProjectStore | null>(null);

export function useApp(): AppServices {
  const app = useContext(AppContext);
  if (!app) throw new Error("useApp() is used outside <AppContext.Provider>");
  return app;
}

export function useProjectStore(): ProjectStore {
  const store = useContext(ProjectContext);
  if (!store) throw new Error("useProjectStore() is used outside <ProjectContext.Provider>");
  return store;
}
