/**
 * The instance card. Zoomed in it shows everything (header, args summary, inputs and outputs as chips,
 * status fields, problems, status chip and buttons); zoomed out it keeps only its box and handles
 * and the card is drawn by `CardsCanvas`, which is far cheaper while panning.
 */
import type { Registry } from "@highstate/contract";
import { Handle, type NodeProps, useStore } from "@xyflow/react";
import { memo } from "react";
import { useApp } from "../app/context.js";
import { EntityIcon, UiIcon } from "../icons/Icon.js";
import { engineBlocker, engineReadiness } from "../runs/engine-readiness.js";
import { useObservable } from "../state/store.js";
import { markdownToPlainText } from "../ui/Markdown.js";
import { MenuButton } from "../ui/Menu.js";
import { useCanvasActions } from "./actions.js";
import { zoomedOut } from "./CardsCanvas.js";
import type { InstanceNode as InstanceNodeType } from "./graph.js";
import { type CardLayout, CHIP_HEIGHT, CHIP_ROW, cardProblemText, entityColor, fieldTitle, MAX_PROBLEM_ROWS } from "./layout.js";
import { driftMarker, statusChip } from "./status.js";

function Handles({ layout }: { layout: CardLayout }) {
  const { registry } = useApp();
  const entityColorOf = (entity: string) => entityColor(registry, entity);
  return (
    <>
      {layout.handles.map((handle) => (
        <Handle
          key={handle.id}
          id={handle.id}
          type={handle.type}
          position={handle.position}
          className={`hs-handle${handle.id === "inject" ? " inject-handle" : ""}`}
          style={
            handle.entity
              ? ({ top: handle.y, height: handle.height, "--chip": entityColorOf(handle.entity) } as React.CSSProperties)
              : { top: handle.y, height: handle.height }
          }
          data-entity={handle.entity}
          title={handle.id === "inject" ? "Inject a hub here" : undefined}
        />
      ))}
    </>
  );
}

function InstanceNodeComponent({ data, selected }: NodeProps<InstanceNodeType>) {
  const compact = useStore(zoomedOut);
  const { registry } = useApp();
  const { view, layout } = data;
  const title = view.component?.meta.title ?? view.instance.type;
  if (compact) {
    // Drawn by CardsCanvas; the node keeps its box and handles for selection, dragging and edges.
    return (
      <div className="card ghost" style={{ height: layout.height }}>
        <Handles layout={layout} />
      </div>
    );
  }
  return <FullCard data={data} selected={selected ?? false} title={title} registry={registry} />;
}

function FullCard({
  data,
  selected,
  title,
  registry,
}: {
  data: InstanceNodeType["data"];
  selected: boolean;
  title: string;
  registry: Registry;
}) {
  const actions = useCanvasActions();
  const { view, layout, collapsed } = data;
  const { instance, component, status } = view;
  const chip = statusChip(status);
  const drift = driftMarker(status);
  const blocker = engineBlocker(useObservable(engineReadiness));
  const runHint = blocker ? { hint: `Runs cannot start now: ${blocker}` } : {};
  const id = instance.id;
  const created = status.state === "created" || (status.state === "failed" && (status.resourceCount ?? 0) > 0);
  // Buttons only for what the instance's last outputs offer (or may offer, while the project is locked).
  const hasTerminals = view.offers.terminals.length > 0 || (view.offers.locked?.includes("terminals") ?? false);
  const hasPages = view.offers.pages.length > 0 || (view.offers.locked?.includes("pages") ?? false);
  const hasSecrets = Object.keys((component?.secrets as { properties?: object } | undefined)?.properties ?? {}).length > 0;
  const busy = status.state === "running" || status.state === "pending";
  const inputCount = (name: string) => instance.inputs[name]?.length ?? 0;
  return (
    <div
      className={`card tone-${chip.tone}${selected ? " selected" : ""}${view.problems.length > 0 ? " has-problems" : ""}`}
      style={{ height: layout.height }}
    >
      <Handles layout={layout} />
      <div className="card-header">
        <EntityIcon icon={component?.meta.icon} fallback={title} color={component?.meta.color} />
        <div className="card-titles">
          <div className="card-title" title={component?.meta.description ? markdownToPlainText(component.meta.description) : instance.type}>
            {title}
          </div>
          <div className="card-name">{instance.name}</div>
        </div>
        {drift && (
          <span className="drift-marker" title={drift.detail} data-testid="drift-marker">
            {drift.text}
          </span>
        )}
      </div>
      {layout.argsHeight > 0 && (
        <div className="card-section card-args" style={{ height: layout.argsHeight }}>
          {layout.argRows.map(([name, value]) => (
            <div className="kv" key={name}>
              <span className="k">{name}</span>
              <span className="v" title={value}>
                {value}
              </span>
            </div>
          ))}
          {layout.argMore > 0 && <div className="kv more">+{layout.argMore} more</div>}
        </div>
      )}
      {layout.ioHeight > 0 && (
        <div
          className="card-section card-io"
          style={{ height: layout.ioHeight, gridAutoRows: CHIP_HEIGHT, rowGap: CHIP_ROW - CHIP_HEIGHT }}
        >
          <div className="io-col">
            {layout.inputRows.map((name) => {
              const spec = component?.inputs[name];
              if (collapsed && layout.inputRows.length === 1 && !spec) {
                return (
                  <button
                    key={name}
                    type="button"
                    className="chip-io summary nodrag"
                    onClick={() => actions.toggleCollapsed(id)}
                    title="Show every input"
                  >
                    {name}
                  </button>
                );
              }
              const count = inputCount(name);
              const entity = spec ? registry.entities[spec.entity] : undefined;
              const missing = (spec?.required ?? false) && count === 0 && instance.injectionInputs.length === 0;
              return (
                <div
                  key={name}
                  className={`chip-io in${missing ? " missing" : ""}${spec ? "" : " unknown"}`}
                  data-entity={spec?.entity}
                  style={{ "--chip": entityColor(registry, spec?.entity) } as React.CSSProperties}
                  title={`${fieldTitle(name)}: ${entity?.meta.title ?? spec?.entity ?? "unknown input"}${spec ? `, ${spec.required ? "required" : "optional"}, ${spec.multiple ? "multiple" : "single"}` : ""}${spec?.description ? ` — ${markdownToPlainText(spec.description)}` : ""}`}
                >
                  <span>{fieldTitle(name)}</span>
                  {spec?.multiple && count > 0 && <span className="chip-count">{count}</span>}
                </div>
              );
            })}
          </div>
          <div className="io-col out">
            {layout.outputRows.map((name) => {
              const spec = component?.outputs[name];
              if (!spec) {
                return (
                  <button
                    key={name}
                    type="button"
                    className="chip-io summary nodrag"
                    onClick={() => actions.toggleCollapsed(id)}
                    title="Show every output"
                  >
                    {name}
                  </button>
                );
              }
              const entity = registry.entities[spec.entity];
              return (
                <div
                  key={name}
                  className="chip-io out"
                  data-entity={spec.entity}
                  style={{ "--chip": entityColor(registry, spec.entity) } as React.CSSProperties}
                  title={`${fieldTitle(name)}: ${entity?.meta.title ?? spec.entity}${spec.description ? ` — ${markdownToPlainText(spec.description)}` : ""}`}
                >
                  <span>{fieldTitle(name)}</span>
                </div>
              );
            })}
          </div>
        </div>
      )}
      {layout.fieldsHeight > 0 && (
        <div className="card-section card-fields" style={{ height: layout.fieldsHeight }}>
          {view.statusFields.map((field) => (
            <div className="kv status-field" key={field.name} data-testid="status-field">
              <span className="k">{field.title ?? fieldTitle(field.name)}</span>
              <span className={`v${field.value === null ? " secret" : ""}`} title={field.value ?? "secret"}>
                {field.value ?? "••••••"}
              </span>
              {field.value !== null && (
                <button
                  type="button"
                  className="copy-button nodrag"
                  aria-label={`Copy ${field.title ?? field.name}`}
                  title="Copy"
                  onClick={() => actions.copyText(field.value!, field.title ?? field.name)}
                >
                  <UiIcon name="content-copy" size={14} />
                </button>
              )}
            </div>
          ))}
        </div>
      )}
      {layout.problemsHeight > 0 && (
        <div
          className="card-section card-problems"
          style={{ height: layout.problemsHeight }}
          title={[status.state === "failed" ? status.error : undefined, ...view.problems.map((problem) => problem.message)]
            .filter(Boolean)
            .join("\n")}
        >
          {status.state === "failed" && status.error && (
            <div className="problem run-error" data-testid="run-error">
              <UiIcon name="alert-circle-outline" size={13} /> <span>{status.error}</span>
            </div>
          )}
          {view.problems.slice(0, MAX_PROBLEM_ROWS).map((problem) => (
            <div className="problem" key={`${problem.code}:${problem.input ?? problem.arg ?? ""}:${problem.message}`}>
              <UiIcon name="alert" size={13} /> <span>{cardProblemText(problem.message, id)}</span>
            </div>
          ))}
          {view.problems.length > MAX_PROBLEM_ROWS && (
            <div className="problem more">+{view.problems.length - MAX_PROBLEM_ROWS} more problems</div>
          )}
        </div>
      )}
      <div className="card-footer">
        <span className={`status-chip tone-${chip.tone}`} title={chip.detail} data-testid="status-chip">
          {chip.text}
        </span>
        <div className="card-buttons nodrag">
          <button
            type="button"
            className="icon-button card-button"
            aria-label={`Run ${instance.name}`}
            title={blocker ? `Run (up). Runs cannot start now: ${blocker}` : "Run (up)"}
            disabled={busy || !component}
            onClick={() => actions.runOperation(id, "up")}
          >
            <UiIcon name="play" size={16} />
          </button>
          <button
            type="button"
            className="icon-button card-button"
            aria-label={`Edit args of ${instance.name}`}
            title="Edit args"
            disabled={!component}
            onClick={() => actions.editArgs(id)}
          >
            <UiIcon name="pencil" size={16} />
          </button>
          {hasSecrets && (
            <button
              type="button"
              className="icon-button card-button"
              aria-label={`Secrets of ${instance.name}`}
              title={`Secrets (${view.secrets.length} set)`}
              onClick={() => actions.editSecrets(id)}
            >
              <UiIcon name="key" size={16} />
            </button>
          )}
          {hasTerminals && (
            <button
              type="button"
              className="icon-button card-button"
              aria-label={`Terminal of ${instance.name}`}
              title={
                view.offers.terminals.length === 1
                  ? `Terminal: ${view.offers.terminals[0]!.title ?? view.offers.terminals[0]!.name}`
                  : "Terminals"
              }
              onClick={() => actions.openTerminal(id)}
            >
              <UiIcon name="console" size={16} />
            </button>
          )}
          {hasPages && (
            <button
              type="button"
              className="icon-button card-button"
              aria-label={`Page of ${instance.name}`}
              title={view.offers.pages.length === 1 ? `Page: ${view.offers.pages[0]!.title}` : "Pages"}
              onClick={() => actions.openPage(id)}
            >
              <UiIcon name="file-document-outline" size={16} />
            </button>
          )}
          <MenuButton
            label={`More actions for ${instance.name}`}
            className="icon-button card-button"
            items={[
              {
                label: "Run with dependencies…",
                ...runHint,
                onSelect: () => actions.runWithDependencies(id),
                disabled: busy || !component,
              },
              { label: "Preview…", ...runHint, onSelect: () => actions.runOperation(id, "preview"), disabled: busy || !component },
              { label: "Refresh", ...runHint, onSelect: () => actions.runOperation(id, "refresh"), disabled: busy || !created },
              {
                label: "Destroy…",
                ...runHint,
                onSelect: () => actions.runOperation(id, "destroy"),
                disabled: busy || !created,
                danger: true,
              },
              { label: "Connections…", onSelect: () => actions.editConnections(id) },
              { label: "Show logs", onSelect: () => actions.showLogs(id) },
              { label: "Show outputs", onSelect: () => actions.showOutputs(id) },
              {
                label: collapsed ? "Expand inputs and outputs" : "Collapse inputs and outputs",
                onSelect: () => actions.toggleCollapsed(id),
              },
              { label: "Rename…", onSelect: () => actions.rename(id) },
              { label: "Delete…", onSelect: () => actions.remove([id]), danger: true },
            ]}
          >
            <UiIcon name="menu" size={16} />
          </MenuButton>
        </div>
      </div>
    </div>
  );
}

export const InstanceNode = memo(InstanceNodeComponent);
