import { z } from "zod";

/**
 * Platform fields a unit may return beside its entity outputs. Their names start with `$` so they can
 * never clash with a component's own outputs. The runner stores them with the instance's last outputs.
 */

/** A value shown on the instance card, with a copy button. */
export const statusFieldSchema = z
  .object({
    /** Machine name of the field, unique per instance. */
    name: z.string().min(1),
    /** Label shown on the card (defaults to the name). */
    title: z.string().optional(),
    /** The value; stringified for display. */
    value: z.string(),
    /** Whether the value is secret: shown masked until revealed, stored as a Pulumi secret. */
    secret: z.boolean().default(false),
  })
  .strict();
export type StatusField = z.output<typeof statusFieldSchema>;

/** An SSH terminal: host, port, user, credentials and the host key pinned from the unit's outputs. */
export const sshTerminalSchema = z
  .object({
    type: z.literal("ssh"),
    /** Terminal name, unique per instance (e.g. `shell`). */
    name: z.string().min(1),
    title: z.string().optional(),
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(22),
    user: z.string().min(1),
    /** The server's public host key in OpenSSH format (`ssh-ed25519 AAAA…`); a different key is refused. */
    hostKey: z.string().optional(),
    credentials: z
      .object({
        /** Private key in OpenSSH or PEM format. */
        privateKey: z.string().optional(),
        password: z.string().optional(),
      })
      .strict(),
  })
  .strict();

/** A local terminal: a command run on the runner's machine with a prepared environment and files. */
export const localTerminalSchema = z
  .object({
    type: z.literal("local"),
    name: z.string().min(1),
    title: z.string().optional(),
    /** Command and arguments; the user's shell when empty. */
    command: z.array(z.string()).default([]),
    /**
     * Environment variables. `${file:<name>}` in a value is replaced by the absolute path of that file,
     * e.g. `KUBECONFIG: "${file:kubeconfig}"`.
     */
    env: z.record(z.string(), z.string()).default({}),
    /** Files written (mode 0600 unless said otherwise) into a private temp folder, removed on close. */
    files: z
      .array(
        z
          .object({
            name: z.string().regex(/^[A-Za-z0-9._-]+$/),
            content: z.string(),
            mode: z.number().int().min(0).max(0o777).default(0o600),
          })
          .strict(),
      )
      .default([]),
  })
  .strict();

export const terminalSpecSchema = z.discriminatedUnion("type", [sshTerminalSchema, localTerminalSchema]);
export type TerminalSpec = z.output<typeof terminalSpecSchema>;
export type TerminalSpecInput = z.input<typeof terminalSpecSchema>;

/** One block of a unit page. */
export const pageBlockSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("markdown"), content: z.string() }).strict(),
  z
    .object({
      type: z.literal("file"),
      /** File name offered for download, e.g. `wg0.conf`. */
      name: z.string().min(1),
      content: z.string(),
      contentType: z.string().default("text/plain"),
      secret: z.boolean().default(false),
    })
    .strict(),
  z.object({ type: z.literal("qr"), content: z.string(), title: z.string().optional(), secret: z.boolean().default(false) }).strict(),
]);
export type PageBlock = z.output<typeof pageBlockSchema>;

/** A page the designer shows for an instance: markdown, downloadable files and QR codes. */
export const pageSchema = z
  .object({
    name: z.string().min(1),
    title: z.string().min(1),
    blocks: z.array(pageBlockSchema),
  })
  .strict();
export type Page = z.output<typeof pageSchema>;
export type PageInput = z.input<typeof pageSchema>;

/** Trigger kinds a unit may ask for. `before-destroy` runs the unit once with the trigger invoked before destroying it. */
export const triggerSchema = z
  .object({
    name: z.string().min(1),
    type: z.literal("before-destroy"),
    title: z.string().optional(),
  })
  .strict();
export type Trigger = z.output<typeof triggerSchema>;

/** The platform fields as stored with an instance's outputs (normalised). */
export const platformOutputsSchema = z
  .object({
    $statusFields: z.array(statusFieldSchema).default([]),
    $terminals: z.array(terminalSpecSchema).default([]),
    $pages: z.array(pageSchema).default([]),
    $triggers: z.array(triggerSchema).default([]),
    /** Secrets generated during the run (name → value), persisted by the runner into the project secrets. */
    $secrets: z.record(z.string(), z.string()).default({}),
  })
  .strict();
export type PlatformOutputs = z.output<typeof platformOutputsSchema>;

/** The names of all platform output fields. */
export const platformOutputNames = ["$statusFields", "$terminals", "$pages", "$triggers", "$secrets"] as const;
