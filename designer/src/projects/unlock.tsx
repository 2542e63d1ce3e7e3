/** Asks for the project password when an action needs the project unlocked. */
import type { ProjectStore } from "../state/project-store.js";
import { openDialog } from "../ui/dialogs.js";
import { UnlockDialog } from "./UnlockDialog.js";

/** Runs `then` at once when the project is unlocked, otherwise after the user unlocks it. */
export function whenUnlocked(store: ProjectStore, then: () => void): void {
  if (store.snapshot.unlocked) {
    then();
    return;
  }
  openDialog((close) => (
    <UnlockDialog
      project={store.name}
      onClose={close}
      onUnlocked={(snapshot) => {
        store.setSnapshot(snapshot);
        then();
      }}
    />
  ));
}
