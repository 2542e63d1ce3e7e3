import type { DynamicProvider } from "@highstate/pulumi";
import { defineDynamicResource } from "@highstate/pulumi";

/** The non-secret inputs of a {@link ServerCommand}. */
export interface ServerCommandInputs {
  /** Host name or IP address to connect to. */
  host: string;
  /** SSH port. */
  port: number;
  /** User to log in as. */
  user: string;
  /** The server's pinned host key: commands never run on a server presenting another key. */
  hostKey: string;
  /** The command run when the resource is created (and on updates, unless `update` is given). */
  create: string;
  /** The command run when the inputs change; defaults to `create`, so it should be idempotent. */
  update?: string;
  /** The command run when the resource is deleted. */
  delete?: string;
  /** Values whose change re-runs the command, for example the version of what it installs. */
  triggers?: unknown[];
  /** How long to wait for SSH to answer, in seconds (default 300). */
  timeoutSeconds?: number;
}

/** The secret part of a {@link ServerCommand}: login credentials and what is piped to the command. */
export interface ServerCommandCredentials {
  privateKey?: string;
  password?: string;
  /** Text written to the command's standard input, for example a config file with secrets. */
  stdin?: string;
}

/** What the last command printed. */
export interface ServerCommandOutputs {
  stdout: string;
  stderr: string;
}

/**
 * The provider, shared by both resource classes. Its methods are serialized by Pulumi, so they load
 * the SSH code from the project directory instead of capturing imports.
 */
const provider: DynamicProvider<ServerCommandInputs, ServerCommandOutputs, ServerCommandCredentials> = {
  async create(inputs, credentials) {
    const { createRequire } = process.getBuiltinModule("node:module");
    const ssh = createRequire(`${process.cwd()}/`)("@highstate/common/ssh") as typeof import("../ssh/index.js");
    const session = await ssh.waitForSsh(
      {
        host: inputs.host,
        port: inputs.port,
        user: inputs.user,
        hostKey: inputs.hostKey,
        ...(credentials.privateKey ? { privateKey: credentials.privateKey } : {}),
        ...(credentials.password ? { password: credentials.password } : {}),
      },
      { timeoutMs: (inputs.timeoutSeconds ?? 300) * 1000 },
    );
    try {
      const result = await session.exec(inputs.create, credentials.stdin === undefined ? {} : { stdin: credentials.stdin });
      if (result.exitCode !== 0) throw new ssh.SshCommandError(inputs.host, inputs.create, result.exitCode, result.stderr);
      return { id: `${inputs.user}@${inputs.host}:${inputs.port}`, outputs: { stdout: result.stdout, stderr: result.stderr } };
    } finally {
      session.close();
    }
  },
  async update(_id, _olds, news, credentials) {
    const { createRequire } = process.getBuiltinModule("node:module");
    const ssh = createRequire(`${process.cwd()}/`)("@highstate/common/ssh") as typeof import("../ssh/index.js");
    const command = news.update ?? news.create;
    const session = await ssh.waitForSsh(
      {
        host: news.host,
        port: news.port,
        user: news.user,
        hostKey: news.hostKey,
        ...(credentials.privateKey ? { privateKey: credentials.privateKey } : {}),
        ...(credentials.password ? { password: credentials.password } : {}),
      },
      { timeoutMs: (news.timeoutSeconds ?? 300) * 1000 },
    );
    try {
      const result = await session.exec(command, credentials.stdin === undefined ? {} : { stdin: credentials.stdin });
      if (result.exitCode !== 0) throw new ssh.SshCommandError(news.host, command, result.exitCode, result.stderr);
      return { stdout: result.stdout, stderr: result.stderr };
    } finally {
      session.close();
    }
  },
  async delete(_id, state, credentials) {
    const command = state.inputs.delete;
    if (!command) return;
    const { createRequire } = process.getBuiltinModule("node:module");
    const ssh = createRequire(`${process.cwd()}/`)("@highstate/common/ssh") as typeof import("../ssh/index.js");
    const session = await ssh.waitForSsh(
      {
        host: state.inputs.host,
        port: state.inputs.port,
        user: state.inputs.user,
        hostKey: state.inputs.hostKey,
        ...(credentials.privateKey ? { privateKey: credentials.privateKey } : {}),
        ...(credentials.password ? { password: credentials.password } : {}),
      },
      { timeoutMs: (state.inputs.timeoutSeconds ?? 300) * 1000 },
    );
    try {
      const result = await session.exec(command, credentials.stdin === undefined ? {} : { stdin: credentials.stdin });
      if (result.exitCode !== 0) throw new ssh.SshCommandError(state.inputs.host, command, result.exitCode, result.stderr);
    } finally {
      session.close();
    }
  },
};

/**
 * Runs a shell command on a server over SSH at deploy time (with the host key pinned): `create` when
 * the resource is created, `update` (or `create` again) when its inputs or `triggers` change, and
 * `delete` when it is deleted. A non-zero exit fails the deployment with the command's stderr. The
 * credentials and `stdin` are kept as secrets; `stdout` and `stderr` are plain outputs — use
 * {@link SecretServerCommand} when the command prints secrets.
 */
export const ServerCommand = defineDynamicResource<ServerCommandInputs, ServerCommandOutputs, ServerCommandCredentials>({
  module: "common",
  type: "ServerCommand",
  provider,
});

/** A {@link ServerCommand} whose `stdout` and `stderr` are stored as secrets (for example a printed kubeconfig). */
export const SecretServerCommand = defineDynamicResource<ServerCommandInputs, ServerCommandOutputs, ServerCommandCredentials>({
  module: "common",
  type: "SecretServerCommand",
  provider,
  secretOutputs: true,
});
