/** The application root: loads the session and registry, keeps the event stream open and routes. */
import type { Registry } from "@highstate/contract";
import type { SessionInfo } from "@highstate/project/api";
import { useEffect, useMemo, useState } from "react";
import { api } from "../api/client.js";
import { EventStream, eventsUrl } from "../api/events.js";
import { UiIconSprite } from "../icons/Icon.js";
import { ProjectScreen } from "../project/ProjectScreen.js";
import { ProjectsScreen } from "../projects/ProjectsScreen.js";
import { engineReadiness } from "../runs/engine-readiness.js";
import { DialogHost } from "../ui/dialogs.js";
import { ErrorBoundary } from "../ui/ErrorBoundary.js";
import { Toasts } from "../ui/toasts.js";
import { AppContext, type AppServices } from "./context.js";
import { useRoute } from "./route.js";

export function App() {
  const events = useMemo(() => new EventStream(eventsUrl()), []);
  const [loaded, setLoaded] = useState<{ session: SessionInfo; registry: Registry }>();
  const [error, setError] = useState<string>();
  const route = useRoute();
  useEffect(() => {
    events.start();
    Promise.all([api.session(), api.registry()])
      .then(([session, registry]) => {
        engineReadiness.set(session.engine);
        setLoaded({ session, registry });
      })
      .catch((caught: unknown) => setError(caught instanceof Error ? caught.message : String(caught)));
    const unsubscribe = events.onReconnect(() => {
      api.registry().then(
        (registry) => setLoaded((current) => (current ? { ...current, registry } : current)),
        () => undefined,
      );
    });
    return () => {
      unsubscribe();
      events.stop();
    };
  }, [events]);
  const services: AppServices | undefined = useMemo(() => (loaded ? { api, events, ...loaded } : undefined), [loaded, events]);
  if (error) {
    return (
      <main className="fatal">
        <UiIconSprite />
        <h1>The designer cannot start</h1>
        <p role="alert">{error}</p>
        <p className="muted">
          Open the address `highstate designer` printed (it carries the access token), and check that the server is still running.
        </p>
      </main>
    );
  }
  if (!services)
    return (
      <main className="loading" aria-busy="true">
        Loading…
      </main>
    );
  return (
    <AppContext.Provider value={services}>
      <ErrorBoundary label="screen">
        {route.screen === "project" ? <ProjectScreen key={route.project} name={route.project} /> : <ProjectsScreen />}
      </ErrorBoundary>
      <DialogHost />
      <Toasts />
      <UiIconSprite />
    </AppContext.Provider>
  );
}
