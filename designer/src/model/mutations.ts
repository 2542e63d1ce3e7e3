/**
 * Applies project mutations locally (the same rules as the server) and computes their inverses, so the
 * designer can show a change before the server confirms it and undo a batch by sending its inverse.
 */
import type { Hub, InputRef, Instance, Project, Registry } from "@highstate/contract";
import type { ProjectMutation } from "@highstate/runner/api";

/** Whether two input references name the same source. */
export function sameRef(a: InputRef, b: InputRef): boolean {
  if ("hubId" in a || "hubId" in b) return "hubId" in a && "hubId" in b && a.hubId === b.hubId;
  return a.instanceId === b.instanceId && a.output === b.output;
}

function refersTo(ref: InputRef, id: string): boolean {
  return "hubId" in ref ? ref.hubId === id : ref.instanceId === id;
}

function renameRef<T extends InputRef>(ref: T, from: string, to: string): T {
  if ("hubId" in ref) return (ref.hubId === from ? { hubId: to } : ref) as T;
  return (ref.instanceId === from ? { instanceId: to, output: ref.output } : ref) as T;
}

function mapInstance(project: Project, id: string, change: (instance: Instance) => Instance): Project {
  return { ...project, instances: project.instances.map((instance) => (instance.id === id ? change(instance) : instance)) };
}

function mapHub(project: Project, id: string, change: (hub: Hub) => Hub): Project {
  return { ...project, hubs: project.hubs.map((hub) => (hub.id === id ? change(hub) : hub)) };
}

/** A stable identity for a new instance, as the server would create one. */
function newUid(): string {
  const bytes = new Uint8Array(10);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (byte) => (byte % 36).toString(36)).join("");
}

/** Applies one mutation to a project and returns the new project (the input is not changed). */
export function applyMutation(project: Project, mutation: ProjectMutation, registry: Registry): Project {
  switch (mutation.op) {
    case "add-instance": {
      const instance: Instance = {
        id: `${mutation.type}:${mutation.name}`,
        type: mutation.type,
        name: mutation.name,
        uid: newUid(),
        args: mutation.args ?? {},
        inputs: {},
        injectionInputs: [],
        position: mutation.position ?? { x: 0, y: 0 },
      };
      return { ...project, instances: [...project.instances, instance] };
    }
    case "remove-instance": {
      const id = mutation.instanceId;
      return {
        ...project,
        instances: project.instances
          .filter((instance) => instance.id !== id)
          .map((instance) => {
            const inputs = Object.fromEntries(
              Object.entries(instance.inputs)
                .map(([name, refs]) => [name, refs.filter((ref) => !refersTo(ref, id))] as const)
                .filter(([, refs]) => refs.length > 0),
            );
            return Object.keys(inputs).length === Object.keys(instance.inputs).length &&
              Object.entries(inputs).every(([name, refs]) => refs.length === instance.inputs[name]?.length)
              ? instance
              : { ...instance, inputs };
          }),
        hubs: project.hubs.map((hub) =>
          hub.inputs.some((ref) => ref.instanceId === id) ? { ...hub, inputs: hub.inputs.filter((ref) => ref.instanceId !== id) } : hub,
        ),
      };
    }
    case "rename-instance": {
      const old = project.instances.find((instance) => instance.id === mutation.instanceId);
      if (!old) return project;
      const newId = `${old.type}:${mutation.newName}`;
      return {
        ...project,
        instances: project.instances.map((instance) => {
          const renamed = instance.id === old.id ? { ...instance, id: newId, name: mutation.newName } : instance;
          const inputs = Object.fromEntries(
            Object.entries(renamed.inputs).map(([name, refs]) => [name, refs.map((ref) => renameRef(ref, old.id, newId))]),
          );
          return { ...renamed, inputs };
        }),
        hubs: project.hubs.map((hub) => ({ ...hub, inputs: hub.inputs.map((ref) => renameRef(ref, old.id, newId)) })),
      };
    }
    case "move": {
      if (mutation.nodeId.startsWith("hub:")) return mapHub(project, mutation.nodeId, (hub) => ({ ...hub, position: mutation.position }));
      return mapInstance(project, mutation.nodeId, (instance) => ({ ...instance, position: mutation.position }));
    }
    case "set-args":
      return mapInstance(project, mutation.instanceId, (instance) => ({ ...instance, args: mutation.args }));
    case "connect":
      return mapInstance(project, mutation.instanceId, (instance) => {
        const spec = registry.components[instance.type]?.inputs[mutation.input];
        const current = instance.inputs[mutation.input] ?? [];
        if (current.some((ref) => sameRef(ref, mutation.source))) return instance;
        const refs = spec?.multiple ? [...current, mutation.source] : [mutation.source];
        return { ...instance, inputs: { ...instance.inputs, [mutation.input]: refs } };
      });
    case "disconnect":
      return mapInstance(project, mutation.instanceId, (instance) => {
        const refs = (instance.inputs[mutation.input] ?? []).filter((ref) => !sameRef(ref, mutation.source));
        const inputs = { ...instance.inputs };
        if (refs.length > 0) inputs[mutation.input] = refs;
        else delete inputs[mutation.input];
        return { ...instance, inputs };
      });
    case "add-hub":
      return {
        ...project,
        hubs: [
          ...project.hubs,
          {
            id: mutation.hubId,
            ...(mutation.title ? { title: mutation.title } : {}),
            inputs: [],
            injectionInputs: [],
            position: mutation.position ?? { x: 0, y: 0 },
          },
        ],
      };
    case "remove-hub": {
      const id = mutation.hubId;
      return {
        ...project,
        hubs: project.hubs
          .filter((hub) => hub.id !== id)
          .map((hub) => ({ ...hub, injectionInputs: hub.injectionInputs.filter((other) => other !== id) })),
        instances: project.instances.map((instance) => ({
          ...instance,
          injectionInputs: instance.injectionInputs.filter((hubId) => hubId !== id),
          inputs: Object.fromEntries(
            Object.entries(instance.inputs)
              .map(([name, refs]) => [name, refs.filter((ref) => !refersTo(ref, id))] as const)
              .filter(([, refs]) => refs.length > 0),
          ),
        })),
      };
    }
    case "connect-hub":
      return mapHub(project, mutation.hubId, (hub) => {
        if ("hubId" in mutation.source) {
          const other = mutation.source.hubId;
          return hub.injectionInputs.includes(other) ? hub : { ...hub, injectionInputs: [...hub.injectionInputs, other] };
        }
        const source = mutation.source;
        return hub.inputs.some((ref) => sameRef(ref, source)) ? hub : { ...hub, inputs: [...hub.inputs, source] };
      });
    case "disconnect-hub":
      return mapHub(project, mutation.hubId, (hub) => {
        if ("hubId" in mutation.source) {
          const other = mutation.source.hubId;
          return { ...hub, injectionInputs: hub.injectionInputs.filter((id) => id !== other) };
        }
        const source = mutation.source;
        return { ...hub, inputs: hub.inputs.filter((ref) => !sameRef(ref, source)) };
      });
    case "inject-hub":
      return mapInstance(project, mutation.instanceId, (instance) =>
        instance.injectionInputs.includes(mutation.hubId)
          ? instance
          : { ...instance, injectionInputs: [...instance.injectionInputs, mutation.hubId] },
      );
    case "uninject-hub":
      return mapInstance(project, mutation.instanceId, (instance) => ({
        ...instance,
        injectionInputs: instance.injectionInputs.filter((id) => id !== mutation.hubId),
      }));
  }
}

/** Applies a batch in order. */
export function applyMutations(project: Project, mutations: ProjectMutation[], registry: Registry): Project {
  return mutations.reduce((current, mutation) => applyMutation(current, mutation, registry), project);
}

/** The mutations that re-create an instance exactly as it is in `project` (with every connection to and from it). */
function recreateInstance(project: Project, instance: Instance): ProjectMutation[] {
  const result: ProjectMutation[] = [
    { op: "add-instance", type: instance.type, name: instance.name, args: instance.args, position: instance.position },
  ];
  for (const [input, refs] of Object.entries(instance.inputs))
    for (const source of refs) result.push({ op: "connect", instanceId: instance.id, input, source });
  for (const hubId of instance.injectionInputs) result.push({ op: "inject-hub", instanceId: instance.id, hubId });
  for (const other of project.instances) {
    if (other.id === instance.id) continue;
    for (const [input, refs] of Object.entries(other.inputs)) {
      for (const source of refs) if (refersTo(source, instance.id)) result.push({ op: "connect", instanceId: other.id, input, source });
    }
  }
  for (const hub of project.hubs) {
    for (const source of hub.inputs) if (source.instanceId === instance.id) result.push({ op: "connect-hub", hubId: hub.id, source });
  }
  return result;
}

function recreateHub(project: Project, hub: Hub): ProjectMutation[] {
  const result: ProjectMutation[] = [{ op: "add-hub", hubId: hub.id, ...(hub.title ? { title: hub.title } : {}), position: hub.position }];
  for (const source of hub.inputs) result.push({ op: "connect-hub", hubId: hub.id, source });
  for (const other of hub.injectionInputs) result.push({ op: "connect-hub", hubId: hub.id, source: { hubId: other } });
  for (const other of project.hubs)
    if (other.injectionInputs.includes(hub.id)) result.push({ op: "connect-hub", hubId: other.id, source: { hubId: hub.id } });
  for (const instance of project.instances) {
    if (instance.injectionInputs.includes(hub.id)) result.push({ op: "inject-hub", instanceId: instance.id, hubId: hub.id });
    for (const [input, refs] of Object.entries(instance.inputs)) {
      for (const source of refs) if (refersTo(source, hub.id)) result.push({ op: "connect", instanceId: instance.id, input, source });
    }
  }
  return result;
}

/** The mutations that undo one mutation applied to `project`. */
export function invertMutation(project: Project, mutation: ProjectMutation, registry: Registry): ProjectMutation[] {
  switch (mutation.op) {
    case "add-instance":
      return [{ op: "remove-instance", instanceId: `${mutation.type}:${mutation.name}` }];
    case "remove-instance": {
      const instance = project.instances.find((item) => item.id === mutation.instanceId);
      return instance ? recreateInstance(project, instance) : [];
    }
    case "rename-instance": {
      const instance = project.instances.find((item) => item.id === mutation.instanceId);
      return instance ? [{ op: "rename-instance", instanceId: `${instance.type}:${mutation.newName}`, newName: instance.name }] : [];
    }
    case "move": {
      const node = mutation.nodeId.startsWith("hub:")
        ? project.hubs.find((hub) => hub.id === mutation.nodeId)
        : project.instances.find((instance) => instance.id === mutation.nodeId);
      return node ? [{ op: "move", nodeId: mutation.nodeId, position: node.position }] : [];
    }
    case "set-args": {
      const instance = project.instances.find((item) => item.id === mutation.instanceId);
      return instance ? [{ op: "set-args", instanceId: instance.id, args: instance.args }] : [];
    }
    case "connect": {
      const instance = project.instances.find((item) => item.id === mutation.instanceId);
      if (!instance) return [];
      const current = instance.inputs[mutation.input] ?? [];
      if (current.some((ref) => sameRef(ref, mutation.source))) return [];
      const multiple = registry.components[instance.type]?.inputs[mutation.input]?.multiple ?? false;
      const undo: ProjectMutation[] = [{ op: "disconnect", instanceId: instance.id, input: mutation.input, source: mutation.source }];
      if (!multiple) for (const source of current) undo.push({ op: "connect", instanceId: instance.id, input: mutation.input, source });
      return undo;
    }
    case "disconnect": {
      const instance = project.instances.find((item) => item.id === mutation.instanceId);
      const present = instance?.inputs[mutation.input]?.some((ref) => sameRef(ref, mutation.source));
      return present ? [{ op: "connect", instanceId: mutation.instanceId, input: mutation.input, source: mutation.source }] : [];
    }
    case "add-hub":
      return [{ op: "remove-hub", hubId: mutation.hubId }];
    case "remove-hub": {
      const hub = project.hubs.find((item) => item.id === mutation.hubId);
      return hub ? recreateHub(project, hub) : [];
    }
    case "connect-hub":
      return [{ op: "disconnect-hub", hubId: mutation.hubId, source: mutation.source }];
    case "disconnect-hub":
      return [{ op: "connect-hub", hubId: mutation.hubId, source: mutation.source }];
    case "inject-hub":
      return [{ op: "uninject-hub", instanceId: mutation.instanceId, hubId: mutation.hubId }];
    case "uninject-hub":
      return [{ op: "inject-hub", instanceId: mutation.instanceId, hubId: mutation.hubId }];
  }
}

/**
 * The batch that undoes `mutations` applied in order to `project`: each mutation is inverted against
 * the state it was applied to, and the inverses run in reverse order.
 */
export function invertMutations(project: Project, mutations: ProjectMutation[], registry: Registry): ProjectMutation[] {
  const steps: ProjectMutation[][] = [];
  let current = project;
  for (const mutation of mutations) {
    steps.push(invertMutation(current, mutation, registry));
    current = applyMutation(current, mutation, registry);
  }
  return steps.reverse().flat();
}
