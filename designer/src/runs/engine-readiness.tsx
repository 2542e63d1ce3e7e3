/**
 * Whether the server's engine can run operations (`GET /api/session` → `engine`): known from the start,
 * checked again after an operation fails and on request, and shown as a banner with the install
 * command when runs cannot start (e.g. no `pulumi` CLI).
 */
import type { EngineReadiness } from "@highstate/project/api";
import { Fragment, useState } from "react";
import type { ApiClient } from "../api/client.js";
import { Observable, useObservable } from "../state/store.js";
import { toastError } from "../ui/toasts.js";

/** The last readiness the server reported; `undefined` when it reports none (taken as ready). */
export const engineReadiness = new Observable<EngineReadiness | undefined>(undefined);

/** Asks the server again (e.g. after the CLI may have been installed). */
export async function refreshEngineReadiness(api: ApiClient): Promise<EngineReadiness | undefined> {
  const session = await api.session();
  engineReadiness.set(session.engine);
  return session.engine;
}

/** Why an operation cannot start right now, or `undefined` when the engine is ready (or cannot tell). */
export function engineBlocker(readiness: EngineReadiness | undefined): string | undefined {
  if (!readiness || readiness.ready) return undefined;
  return readiness.problem ?? `The ${readiness.name} engine cannot run operations.`;
}

/** Text with `code` spans in backticks, rendered as text and <code> elements (never as HTML). */
export function InlineCode({ text }: { text: string }) {
  return (
    <>
      {text.split("`").map((part, index) =>
        // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one fixed string.
        index % 2 === 1 ? <code key={index}>{part}</code> : <Fragment key={index}>{part}</Fragment>,
      )}
    </>
  );
}

/**
 * The banner over the canvas: an error while runs cannot start; a dismissible warning when they can but
 * something is worth knowing (e.g. a `pulumi` CLI other than the pinned version).
 */
export function EngineBanner({ api }: { api: ApiClient }) {
  const readiness = useObservable(engineReadiness);
  const [dismissed, setDismissed] = useState<EngineReadiness>();
  const blocker = engineBlocker(readiness);
  const check = () => refreshEngineReadiness(api).catch((error: unknown) => toastError("The engine could not be checked", error));
  if (!readiness) return null;
  if (!blocker) {
    if (!readiness.problem || dismissed === readiness) return null;
    return (
      <div className="notice notice-warning engine-banner" role="status" data-testid="engine-banner">
        <div className="engine-banner-text">
          <InlineCode text={readiness.problem} />
        </div>
        <button type="button" className="button small" onClick={() => setDismissed(readiness)}>
          Dismiss
        </button>
      </div>
    );
  }
  return (
    <div className="notice notice-error engine-banner" role="alert" data-testid="engine-banner">
      <div className="engine-banner-text">
        <strong>Runs cannot start.</strong> <InlineCode text={blocker} />
        {readiness.installHint && !blocker.includes("highstate install-pulumi") && (
          <div className="engine-banner-hint">
            <InlineCode text={readiness.installHint} />
          </div>
        )}
      </div>
      <button type="button" className="button small" onClick={check}>
        Check again
      </button>
    </div>
  );
}
