/**
 * Connections of one instance without a mouse: for each input, what is connected (with a remove
 * button) and a list of the compatible outputs and hubs to add; for the instance, the injected hubs.
 */
import { useId, useState } from "react";
import { fieldTitle } from "../canvas/layout.js";
import { checkConnection } from "../model/connections.js";
import { keys, type ProjectStore } from "../state/project-store.js";
import { useKeyed } from "../state/store.js";
import { Dialog, DoneButton } from "../ui/Dialog.js";
import { toastError } from "../ui/toasts.js";

export function ConnectDialog({ store, instanceId, onClose }: { store: ProjectStore; instanceId: string; onClose: () => void }) {
  useKeyed(store.emitter, keys.graph, () => store.graphVersion);
  const view = store.views.get(instanceId);
  if (!view) return null;
  const inputs = Object.entries(view.component?.inputs ?? {});
  const run = (mutation: Parameters<ProjectStore["mutate"]>[0][number], label: string) =>
    store.mutate([mutation], { label }).catch((error: unknown) => toastError("The connection was not changed", error));
  return (
    <Dialog title={`Connections of “${view.instance.name}”`} onClose={onClose} wide>
      {inputs.length === 0 && <p className="muted">This component has no inputs.</p>}
      <div className="connect-list">
        {inputs.map(([input, spec]) => (
          <InputRow
            key={input}
            store={store}
            instanceId={instanceId}
            input={input}
            entity={spec.entity}
            multiple={spec.multiple}
            required={spec.required}
            run={run}
          />
        ))}
        {store.hubs.size > 0 && (
          <section className="connect-row">
            <h3>Injected hubs</h3>
            <ul className="plain-list">
              {view.instance.injectionInputs.map((hubId) => (
                <li key={hubId}>
                  {hubId.slice(4)}{" "}
                  <button
                    type="button"
                    className="link-button small"
                    onClick={() => run({ op: "uninject-hub", instanceId, hubId }, "remove hub injection")}
                  >
                    remove
                  </button>
                </li>
              ))}
            </ul>
            {[...store.hubs.keys()].filter((hubId) => !view.instance.injectionInputs.includes(hubId)).length > 0 && (
              <select
                aria-label="Inject a hub"
                value=""
                onChange={(event) => event.target.value && run({ op: "inject-hub", instanceId, hubId: event.target.value }, "inject hub")}
              >
                <option value="">inject a hub…</option>
                {[...store.hubs.keys()]
                  .filter((hubId) => !view.instance.injectionInputs.includes(hubId))
                  .map((hubId) => (
                    <option key={hubId} value={hubId}>
                      {hubId.slice(4)}
                    </option>
                  ))}
              </select>
            )}
          </section>
        )}
      </div>
      <DoneButton onClose={onClose} />
    </Dialog>
  );
}

function InputRow({
  store,
  instanceId,
  input,
  entity,
  multiple,
  required,
  run,
}: {
  store: ProjectStore;
  instanceId: string;
  input: string;
  entity: string;
  multiple: boolean;
  required: boolean;
  run: (mutation: Parameters<ProjectStore["mutate"]>[0][number], label: string) => void;
}) {
  const id = useId();
  const [, setTick] = useState(0);
  const instance = store.project.instances.find((item) => item.id === instanceId);
  const connected = instance?.inputs[input] ?? [];
  const candidates: Array<{ value: string; label: string }> = [];
  for (const other of store.project.instances) {
    for (const [output, spec] of Object.entries(store.registry.components[other.type]?.outputs ?? {})) {
      if (spec.entity !== entity) continue;
      const check = checkConnection(
        store.project,
        store.registry,
        { nodeId: other.id, handleId: `out:${output}` },
        { nodeId: instanceId, handleId: `in:${input}` },
      );
      if (check.ok)
        candidates.push({
          value: JSON.stringify({ instanceId: other.id, output }),
          label: `${store.registry.components[other.type]?.meta.title ?? other.type} “${other.name}” → ${fieldTitle(output)}`,
        });
    }
  }
  for (const hubId of store.hubs.keys()) {
    if (!connected.some((ref) => "hubId" in ref && ref.hubId === hubId))
      candidates.push({ value: JSON.stringify({ hubId }), label: `hub “${hubId.slice(4)}”` });
  }
  const describeRef = (ref: (typeof connected)[number]) => {
    if ("hubId" in ref) return `hub “${ref.hubId.slice(4)}”`;
    const source = store.views.get(ref.instanceId);
    return `${source?.component?.meta.title ?? ref.instanceId} “${source?.instance.name ?? ref.instanceId}” → ${fieldTitle(ref.output)}`;
  };
  return (
    <section className="connect-row">
      <h3 id={id}>
        {fieldTitle(input)}{" "}
        <span className="muted">
          ({store.registry.entities[entity]?.meta.title ?? entity}, {required ? "required" : "optional"}, {multiple ? "multiple" : "single"}
          )
        </span>
      </h3>
      <ul className="plain-list" aria-labelledby={id}>
        {connected.length === 0 && <li className="muted">nothing connected</li>}
        {connected.map((ref) => (
          <li key={JSON.stringify(ref)}>
            {describeRef(ref)}{" "}
            <button
              type="button"
              className="link-button small"
              onClick={() => {
                run({ op: "disconnect", instanceId, input, source: ref }, "disconnect");
                setTick((tick) => tick + 1);
              }}
            >
              disconnect
            </button>
          </li>
        ))}
      </ul>
      {candidates.length > 0 && (
        <select
          aria-label={`Connect to ${fieldTitle(input)}`}
          value=""
          onChange={(event) => {
            if (!event.target.value) return;
            run({ op: "connect", instanceId, input, source: JSON.parse(event.target.value) }, "connect");
          }}
        >
          <option value="">{multiple || connected.length === 0 ? "connect…" : "replace with…"}</option>
          {candidates.map((candidate) => (
            <option key={candidate.value} value={candidate.value}>
              {candidate.label}
            </option>
          ))}
        </select>
      )}
    </section>
  );
}
