/** Entry point of the designer web app. */
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import "@xyflow/react/dist/style.css";
import "./styles/base.css";
import "./styles/canvas.css";
import "./styles/panels.css";
import "./styles/runs.css";
import { captureAccessToken } from "./api/access-token.js";
import { App } from "./app/App.js";
import { installBenchHooks } from "./bench-hooks.js";

// The printed URL carries the access token in its fragment: keep it for this tab, out of the address bar.
captureAccessToken();
installBenchHooks();
createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
