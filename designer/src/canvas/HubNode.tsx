/** A hub: a small square node that bundles any outputs and can be injected into instances. */
import { Handle, type NodeProps } from "@xyflow/react";
import { memo } from "react";
import { UiIcon } from "../icons/Icon.js";
import type { HubNode as HubNodeType } from "./graph.js";
import { hubHandles } from "./layout.js";

function HubNodeComponent({ data, selected }: NodeProps<HubNodeType>) {
  return (
    <div
      className={`hub${selected ? " selected" : ""}`}
      title={`Hub "${data.title}": ${data.count} source${data.count === 1 ? "" : "s"}. Connect outputs on the left; connect the right side to inputs or to an instance's injection handle.`}
    >
      {hubHandles.map((handle) => (
        <Handle
          key={handle.id}
          id={handle.id}
          type={handle.type}
          position={handle.position}
          className="hs-handle hub-handle"
          style={{ top: handle.y, height: handle.height }}
        />
      ))}
      <UiIcon name="hub" size={30} />
      <span className="hub-title">{data.title}</span>
    </div>
  );
}

export const HubNode = memo(HubNodeComponent);
