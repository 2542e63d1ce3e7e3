/** Hash routes: `#/` is the project list, `#/projects/<name>` a project's canvas. */
import { useSyncExternalStore } from "react";

export type Route = { screen: "projects" } | { screen: "project"; project: string };

export function parseRoute(hash: string): Route {
  const match = /^#\/projects\/([^/?]+)/.exec(hash);
  if (match) return { screen: "project", project: decodeURIComponent(match[1]!) };
  return { screen: "projects" };
}

export function navigate(route: Route): void {
  location.hash = route.screen === "project" ? `#/projects/${encodeURIComponent(route.project)}` : "#/";
}

function subscribe(listener: () => void): () => void {
  window.addEventListener("hashchange", listener);
  return () => window.removeEventListener("hashchange", listener);
}

export function useRoute(): Route {
  const hash = useSyncExternalStore(
    subscribe,
    () => location.hash,
    () => "",
  );
  return parseRoute(hash);
}
