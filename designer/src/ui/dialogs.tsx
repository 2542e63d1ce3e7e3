/** One place that renders the open modals, so any code can open one with `openDialog(close => <… />)`. */
import { Fragment, type ReactNode } from "react";
import { Observable, useObservable } from "../state/store.js";
import { ErrorBoundary } from "./ErrorBoundary.js";

const current = new Observable<Array<{ id: number; element: ReactNode }>>([]);
let nextId = 1;

/** Opens a dialog on top of any open ones; `render` receives the callback that closes it. */
export function openDialog(render: (close: () => void) => ReactNode): void {
  const id = nextId++;
  const close = () => current.update((list) => list.filter((item) => item.id !== id));
  current.update((list) => [...list, { id, element: render(close) }]);
}

export function closeAllDialogs(): void {
  current.set([]);
}

export function DialogHost() {
  const list = useObservable(current);
  return (
    <>
      {list.map((item) => (
        <Fragment key={item.id}>
          <ErrorBoundary label="dialog">{item.element}</ErrorBoundary>
        </Fragment>
      ))}
    </>
  );
}
