/** Entry point of the designer web app. */
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import "@xyflow/react/dist/style.css";
import "./styles/base.css";
import "./styles/canvas.css";
import "./styles/panels.css";
import { App } from "./app/App.js";
import { installBenchHooks } from "./bench-hooks.js";
import { preloadIconSet } from "./icons/Icon.js";

// The server hands out the access token once in the URL and then as a cookie; drop it from the address bar.
if (new URLSearchParams(location.search).has("token")) {
  const url = new URL(location.href);
  url.searchParams.delete("token");
  history.replaceState(null, "", url);
}
installBenchHooks();
void preloadIconSet();
createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
