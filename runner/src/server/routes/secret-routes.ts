/**
 * Instance secrets are write-only over the API: `PUT …/secrets` sets and clears values and answers
 * with the names that are set; only `POST …/secrets/:secret/reveal` returns a value, and only because
 * the user asked for that one. `POST …/secrets/accept` binds secrets that are not bound to their place
 * (moved, edited, or written before bindings existed) where they are now, with the password.
 */
import type { z } from "@highstate/contract";
import {
  type AcceptSecretsResponse,
  acceptSecretsRequestSchema,
  type InstanceSecretsInfo,
  type RevealSecretResponse,
  revealSecretRequestSchema,
  revealWithoutPasswordMs,
  setSecretsRequestSchema,
} from "@highstate/project/api";
import type { DesignerContext } from "../context.js";
import { bindingPlace } from "../errors.js";
import { BadRequestError, HttpError, NotFoundError, readJson, sendJson } from "../http.js";
import { projectSnapshot, requireInstance } from "../project-views.js";
import type { Router } from "../router.js";
import { tokensEqual } from "../security.js";

function requireUnlocked(project: string, unlocked: boolean): void {
  if (!unlocked)
    throw new HttpError(423, "locked", `Project "${project}" is locked; unlock it with its password to set or reveal secrets.`);
}

export function secretRoutes(router: Router, context: DesignerContext): void {
  const { sessions } = context;

  router.put("/api/projects/:project/instances/:instanceId/secrets", async ({ request, response, params }) => {
    const body = await readJson(request, setSecretsRequestSchema);
    const name = params.project!;
    const instanceId = params.instanceId!;
    const info = await sessions.exclusive(name, async () => {
      const session = await sessions.session(name);
      const instance = requireInstance(session, instanceId);
      const registry = await context.registry();
      const component = registry.component(instance.type);
      if (!component)
        throw new HttpError(
          422,
          "unknown-component",
          `"${instanceId}" uses component "${instance.type}", which is not installed; its secrets cannot be checked.`,
        );
      const known = Object.keys((component.secrets.properties as Record<string, unknown> | undefined) ?? {});
      for (const [secret, value] of Object.entries(body.set)) {
        if (!known.includes(secret)) {
          throw new BadRequestError(
            `"${instanceId}" has no secret "${secret}" (it has ${known.length > 0 ? known.map((item) => `"${item}"`).join(", ") : "none"})`,
            `set.${secret}`,
          );
        }
        if (body.clear.includes(secret)) throw new BadRequestError(`secret "${secret}" is both set and cleared; do one`, `clear`);
        const live = await registry.getComponent(instance.type).catch(() => undefined);
        const schema = live?.component.secretsSchema.shape[secret] as z.ZodType | undefined;
        const checked = schema?.safeParse(value);
        if (checked && !checked.success) {
          throw new BadRequestError(
            `secret "${secret}" of "${instanceId}": ${checked.error.issues[0]?.message ?? "invalid value"}`,
            `set.${secret}`,
          );
        }
      }
      if (Object.keys(body.set).length > 0) requireUnlocked(name, session.unlocked);
      const changes: Record<string, string | undefined> = { ...body.set };
      for (const secret of body.clear) changes[secret] = undefined;
      if (Object.keys(changes).length > 0) {
        await session.secrets.setMany(instanceId, changes);
        // Which secrets are set, and so what is outdated, changed: clients re-read the snapshot.
        sessions.touch(session);
      }
      return { instanceId, secrets: session.secrets.listInstanceSecrets(instanceId) } satisfies InstanceSecretsInfo;
    });
    sendJson(response, 200, info);
  });

  // Binds secrets that were moved, edited or written before bindings existed to where they are now.
  // Always asks for the password (a trust decision); runs in the project's queue like other writes.
  router.post("/api/projects/:project/secrets/accept", async ({ request, response, params }) => {
    const input = await readJson(request, acceptSecretsRequestSchema);
    const selection =
      input.all === true ? "all" : [{ instanceId: input.instanceId!, ...(input.name !== undefined ? { name: input.name } : {}) }];
    const { session, accepted, remaining } = await sessions.accept(params.project!, input.password, selection);
    const body: AcceptSecretsResponse = {
      accepted: accepted.map(bindingPlace),
      remaining: remaining.map(bindingPlace),
      project: await projectSnapshot(context, session),
    };
    sendJson(response, 200, body);
  });

  router.post("/api/projects/:project/instances/:instanceId/secrets/:secret/reveal", async ({ request, response, params }) => {
    const input = await readJson(request, revealSecretRequestSchema);
    const session = await sessions.session(params.project!);
    requireInstance(session, params.instanceId!);
    requireUnlocked(session.name, session.unlocked);
    // An unlocked project stays unlocked for running units; showing a plaintext secret asks for the
    // password again, so a stolen session (or an unattended screen) cannot read secrets.
    if (input.password !== undefined) {
      if (!tokensEqual(input.password, session.password!))
        throw new HttpError(401, "incorrect-password", `The password of project "${session.name}" is not correct.`, { field: "password" });
      session.passwordEnteredAt = Date.now();
    } else if (session.passwordEnteredAt === undefined || Date.now() - session.passwordEnteredAt > revealWithoutPasswordMs) {
      throw new HttpError(401, "password-required", `Enter the password of project "${session.name}" to reveal a secret.`, {
        field: "password",
      });
    }
    const value = session.secrets.get(params.instanceId!, params.secret!);
    if (value === undefined) throw new NotFoundError(`Secret "${params.secret}" of "${params.instanceId}" is not set.`);
    const body: RevealSecretResponse = { name: params.secret!, value };
    sendJson(response, 200, body);
  });
}
