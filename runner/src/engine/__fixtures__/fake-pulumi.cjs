// A stand-in for the `pulumi` CLI, for tests of the Automation API adapter. It answers the commands
// @pulumi/pulumi/automation invokes (version, stack select/init, up, preview, refresh, destroy, stack
// output, stack history, cancel) the way the real CLI does, streams engine events to the SDK's gRPC
// event server (`--event-log tcp://…`), keeps state and locks in the file backend layout, checks the
// passphrase against the stack's `encryptionsalt` and decrypts the `secure:` config with it, like Pulumi.
// Every invocation is appended to `records.jsonl` next to the executable: argv, env, cwd and the files
// in the cwd. Behaviour is driven by the unit's args: fakeResources, fakeFail, fakeHang, fakeReplace,
// fakeIgnoreSigint, fakeTrigger, fakeSecretOutput.
"use strict";
const crypto = require("node:crypto");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { createRequire } = require("node:module");
const YAML = require("yaml");

const version = process.env.FAKE_PULUMI_VERSION || "3.270.0";
const argv = process.argv.slice(2);
const recordsFile = path.join(path.dirname(process.argv[1]), "records.jsonl");

function record() {
  const files = {};
  for (const name of fs.readdirSync(process.cwd())) {
    const file = path.join(process.cwd(), name);
    if (fs.statSync(file).isFile()) files[name] = fs.readFileSync(file, "utf8");
  }
  fs.appendFileSync(recordsFile, `${JSON.stringify({ argv, env: process.env, cwd: process.cwd(), files })}\n`);
}

function fail(message, code = 255) {
  process.stderr.write(`error: ${message}\n`);
  process.exit(code);
}

function parseArgs(args) {
  const words = [];
  const flags = {};
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    if (arg === "--") {
      words.push(...args.slice(index + 1));
      break;
    }
    if (arg.startsWith("--")) {
      const [name, inline] = arg.slice(2).split("=", 2);
      const valued = ["stack", "color", "exec-kind", "event-log", "page-size", "page", "parallel", "message", "client"];
      if (inline !== undefined) flags[name] = inline;
      else if (valued.includes(name)) flags[name] = args[++index];
      else flags[name] = true;
    } else {
      words.push(arg);
    }
  }
  return { words, flags };
}

// --- passphrase crypto, Pulumi's format --------------------------------------------------------------
function deriveKey(passphrase, salt) {
  return crypto.pbkdf2Sync(Buffer.from(passphrase, "utf8"), salt, 1_000_000, 32, "sha256");
}
function decrypt(key, secure) {
  const [v, nonce, sealed] = secure.split(":");
  if (v !== "v1") throw new Error("unknown value version");
  const data = Buffer.from(sealed, "base64");
  const decipher = crypto.createDecipheriv("aes-256-gcm", key, Buffer.from(nonce, "base64"));
  decipher.setAuthTag(data.subarray(data.length - 16));
  return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString("utf8");
}
function encrypt(key, plaintext) {
  const nonce = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", key, nonce);
  const sealed = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return `v1:${nonce.toString("base64")}:${sealed.toString("base64")}`;
}
function stackKey(stackYaml) {
  if (process.env.PULUMI_CONFIG_PASSPHRASE === undefined) {
    fail("passphrase must be set with PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE environment variables");
  }
  const salt = stackYaml.encryptionsalt;
  if (!salt) fail("the stack yaml has no encryptionsalt");
  const [, saltB64, ...check] = salt.split(":");
  const key = deriveKey(process.env.PULUMI_CONFIG_PASSPHRASE, Buffer.from(saltB64, "base64"));
  try {
    if (decrypt(key, check.join(":")) !== "pulumi") throw new Error("check");
  } catch {
    fail("getting stack configuration: get stack secrets manager: incorrect passphrase");
  }
  return key;
}

// --- project, stack, backend --------------------------------------------------------------------------
const { words, flags } = parseArgs(argv);
record();

if (words[0] === "version") {
  process.stdout.write(`v${version}\n`);
  process.exit(0);
}

const project = YAML.parse(fs.readFileSync(path.join(process.cwd(), "Pulumi.yaml"), "utf8")).name;
const backend = process.env.PULUMI_BACKEND_URL;
if (!backend || !backend.startsWith("file://")) fail("fake pulumi needs PULUMI_BACKEND_URL=file://…");
const stateDir = backend.slice("file://".length);
const stackName = flags.stack ?? (words[0] === "stack" && words[1] === "init" ? words[2] : undefined);
const stackFile = () => path.join(stateDir, ".pulumi", "stacks", project, `${stackName}.json`);
const lockDir = () => path.join(stateDir, ".pulumi", "locks", "organization", project, stackName);
const readState = () => JSON.parse(fs.readFileSync(stackFile(), "utf8"));
const writeState = (state) => {
  fs.mkdirSync(path.dirname(stackFile()), { recursive: true });
  fs.writeFileSync(stackFile(), JSON.stringify(state, null, 2));
};
const stackYaml = () => YAML.parse(fs.readFileSync(path.join(process.cwd(), `Pulumi.${stackName}.yaml`), "utf8"));
const requireStack = () => {
  if (!fs.existsSync(stackFile())) fail(`no stack named '${stackName}' found`);
};

let lockFile;
function lock() {
  fs.mkdirSync(lockDir(), { recursive: true });
  const existing = fs.readdirSync(lockDir()).filter((name) => name.endsWith(".json"));
  if (existing.length > 0) {
    const lines = existing.map((name) => {
      const info = JSON.parse(fs.readFileSync(path.join(lockDir(), name), "utf8"));
      return `\n  ${backend}/.pulumi/locks/organization/${project}/${stackName}/${name}: created by ${info.username}@${info.hostname} (pid ${info.pid}) at ${info.timestamp}`;
    });
    fail(`the stack is currently locked by ${existing.length} lock(s). Either wait for the other process(es) to end or delete the lock file with \`pulumi cancel\`.${lines.join("")}`);
  }
  lockFile = path.join(lockDir(), `${crypto.randomUUID()}.json`);
  fs.writeFileSync(lockFile, JSON.stringify({ pid: process.pid, username: os.userInfo().username, hostname: os.hostname(), timestamp: new Date().toISOString() }));
}
function unlock() {
  if (lockFile) fs.rmSync(lockFile, { force: true });
  lockFile = undefined;
}

// --- the event stream -------------------------------------------------------------------------------
let events;
function openEvents() {
  const target = flags["event-log"];
  if (!target) return;
  if (!String(target).startsWith("tcp://")) fail(`fake pulumi streams events over tcp only, got ${target}`);
  const pulumiRequire = createRequire(require.resolve("@pulumi/pulumi/proto/events_grpc_pb.js"));
  const grpc = pulumiRequire("@grpc/grpc-js");
  const { EventsClient } = pulumiRequire("./events_grpc_pb.js");
  const { EventRequest } = pulumiRequire("./events_pb.js");
  const client = new EventsClient(String(target).slice("tcp://".length), grpc.credentials.createInsecure());
  let sequence = 0;
  let finished;
  const done = new Promise((resolve) => {
    finished = resolve;
  });
  const call = client.streamEvents(() => finished());
  events = {
    send(payload) {
      const request = new EventRequest();
      request.setEvent(JSON.stringify({ sequence: sequence++, timestamp: Math.floor(Date.now() / 1000), ...payload }));
      call.write(request);
    },
    async close() {
      call.end();
      await done;
      client.close();
    },
  };
}
const emit = (payload) => events?.send(payload);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function urnOf(type, name) {
  return `urn:pulumi:${stackName}::${project}::${type}::${name}`;
}

async function operation(kind) {
  requireStack();
  const yaml = stackYaml();
  const key = stackKey(yaml);
  const config = {};
  for (const [name, value] of Object.entries(yaml.config ?? {})) config[name] = typeof value === "object" && value.secure ? decrypt(key, value.secure) : value;
  const args = JSON.parse(config["highstate:args"] ?? "{}");
  const secrets = JSON.parse(config["highstate:secrets"] ?? "{}");
  const inputs = JSON.parse(config["highstate:inputs"] ?? "{}");
  const secretInputs = JSON.parse(config["highstate:secretInputs"] ?? "{}");
  const invokedTriggers = JSON.parse(config["highstate:invokedTriggers"] ?? "[]");
  const state = readState();
  // `refresh --preview-only` (the SDK's previewRefresh) reads resources but writes nothing and takes no lock.
  const dryRun = kind === "preview" || flags["preview-only"] === true;
  const mutating = !dryRun;
  if (mutating) lock();
  openEvents();

  let interrupted = false;
  process.on("SIGINT", () => {
    if (args.fakeIgnoreSigint) return;
    if (interrupted) process.exit(255);
    interrupted = true;
    process.stdout.write("^C received; cancelling. If you would like to terminate immediately, press ^C again.\n");
  });

  const finish = async (code) => {
    emit({ cancelEvent: {} });
    await events?.close();
    if (mutating) unlock();
    process.exit(code);
  };

  emit({ preludeEvent: { config: Object.fromEntries(Object.entries(yaml.config ?? {}).map(([k, v]) => [k, typeof v === "object" ? "[secret]" : v])) } });
  const count = kind === "destroy" ? state.resources : kind === "refresh" ? state.resources : (args.fakeResources ?? 2);
  const op = kind === "destroy" ? "delete" : kind === "refresh" ? "refresh" : state.resources > 0 ? "same" : "create";
  const root = { type: "pulumi:pulumi:Stack", urn: urnOf("pulumi:pulumi:Stack", `${project}-${stackName}`) };
  const provider = { type: "pulumi:providers:random", urn: urnOf("pulumi:providers:random", "default_4_16_0") };
  for (const resource of [root, provider]) {
    emit({ resourcePreEvent: { metadata: { op, urn: resource.urn, type: resource.type, provider: "" }, planning: dryRun } });
  }
  if (kind === "up" || kind === "preview") emit({ diagnosticEvent: { message: `fake program of ${project}/${stackName} ran\n`, color: "never", severity: "info" } });

  if (args.fakeHang && kind === "up") {
    while (!interrupted) await sleep(20);
    emit({ diagnosticEvent: { message: "update canceled\n", color: "never", severity: "error" } });
    process.stderr.write("error: update canceled\n");
    await finish(255);
  }
  if (args.fakeFail && (kind === "up" || kind === "preview")) {
    emit({ diagnosticEvent: { urn: root.urn, message: `${args.fakeFail}\n`, color: "never", severity: "error" } });
    process.stderr.write(`error: update failed\n`);
    await finish(255);
  }
  // Drift a refresh finds, from the unit's args: fakeDrift = { "<resource name>": ["<property>", …] | null (gone) }.
  const drift = kind === "refresh" ? (args.fakeDrift ?? {}) : {};
  const driftCounts = { update: 0, delete: 0 };
  // fakeReplace: once the stack exists, thing-1 is replaced because the property named by fakeReplace
  // changed (the three steps Pulumi plans for a replacement, with old/new inputs like the real events).
  const replacing = args.fakeReplace && state.resources > 0 && (kind === "up" || kind === "preview");
  for (let index = 0; index < count; index++) {
    const name = `thing-${index + 1}`;
    const urn = urnOf("fake:index:Thing", name);
    if (replacing && index === 0) {
      const key = String(args.fakeReplace);
      for (const step of ["create-replacement", "replace", "delete-replaced"]) {
        const metadata = {
          op: step,
          urn,
          type: "fake:index:Thing",
          provider: provider.urn,
          keys: [key],
          diffs: [key],
          detailedDiff: { [key]: { kind: "update-replace", inputDiff: true } },
          old: { type: "fake:index:Thing", urn, id: "old", parent: root.urn, inputs: { [key]: "old-value-of-replaced-thing" }, outputs: {}, provider: provider.urn },
          new: { type: "fake:index:Thing", urn, id: "", parent: root.urn, inputs: { [key]: "new-value-of-replaced-thing" }, outputs: {}, provider: provider.urn },
        };
        emit({ resourcePreEvent: { metadata, planning: kind === "preview" } });
      }
      emit({ resOutputsEvent: { metadata: { op: "replace", urn, type: "fake:index:Thing", provider: provider.urn }, planning: kind === "preview" } });
      continue;
    }
    const metadata = { op, urn, type: "fake:index:Thing", provider: provider.urn };
    emit({ resourcePreEvent: { metadata, planning: dryRun } });
    await sleep(5);
    if (kind === "refresh") {
      // As Pulumi's RefreshStep: old is the stack's state, new what the provider read (absent when gone),
      // diffs/detailedDiff the properties that differ. Secret values show as "[secret]" in the event log.
      const old = { type: metadata.type, urn: metadata.urn, custom: true, id: name, inputs: { size: 1 }, outputs: { size: 1, token: "[secret]" } };
      metadata.old = old;
      if (Object.hasOwn(drift, name) && drift[name] === null) {
        driftCounts.delete++;
      } else if (Object.hasOwn(drift, name)) {
        driftCounts.update++;
        metadata.new = { ...old, outputs: { ...old.outputs, size: 2 } };
        metadata.diffs = drift[name];
        metadata.detailedDiff = Object.fromEntries(drift[name].map((key) => [key, { kind: "update", inputDiff: true }]));
      } else {
        metadata.new = old;
      }
    }
    emit({ resOutputsEvent: { metadata, planning: dryRun } });
  }
  emit({ resOutputsEvent: { metadata: { op, urn: root.urn, type: root.type, provider: "" } } });
  const drifted = driftCounts.update + driftCounts.delete;
  const resourceChanges =
    kind === "refresh" && dryRun
      ? Object.fromEntries(Object.entries({ same: count + 1 - drifted, ...driftCounts }).filter(([, value]) => value > 0))
      : replacing
        ? { [op]: count, replace: 1 }
        : count + 1 > 0
          ? { [op]: count + 1 }
          : {};
  emit({ summaryEvent: { maybeCorrupt: false, durationSeconds: 1, resourceChanges, policyPacks: {} } });

  if (kind === "up") {
    const outputs = {
      echo: { value: { args, inputs, invokedTriggers }, secret: false },
      secretEcho: { value: { secrets, secretInputs }, secret: true },
      $secrets: { value: { generated: secrets.generated ?? `generated-${crypto.randomBytes(6).toString("hex")}` }, secret: true },
    };
    if (args.fakeTrigger) outputs.$triggers = { value: [{ name: args.fakeTrigger, type: "before-destroy" }], secret: false };
    // A secret output (named by the arg) carrying the instance's password secret, for downstream secret inputs.
    if (args.fakeSecretOutput) outputs[String(args.fakeSecretOutput)] = { value: { host: secrets.password ?? "none" }, secret: true };
    state.resources = count;
    state.outputs = Object.fromEntries(
      Object.entries(outputs).map(([name, { value, secret }]) => [name, secret ? { ciphertext: encrypt(key, JSON.stringify(value)) } : value]),
    );
  } else if (kind === "destroy") {
    state.resources = 0;
    state.outputs = {};
  }
  if (mutating) {
    state.history.unshift({
      version: state.history.length + 1,
      kind: kind === "up" ? "update" : kind,
      startTime: new Date().toISOString(),
      endTime: new Date().toISOString(),
      message: "",
      environment: {},
      config: {},
      result: "succeeded",
      resourceChanges,
    });
    writeState(state);
  }
  process.stdout.write(`${kind} of ${stackName} done\nResources:\n    ${count} ${op}\n`);
  await finish(0);
}

async function main() {
  const [first, second] = words;
  if (first === "stack" && second === "select") {
    requireStack();
    return;
  }
  if (first === "stack" && second === "init") {
    if (fs.existsSync(stackFile())) fail(`stack '${stackName}' already exists`);
    stackKey(stackYaml());
    writeState({ resources: 0, outputs: {}, history: [] });
    process.stdout.write(`Created stack '${stackName}'\n`);
    return;
  }
  if (first === "stack" && second === "output") {
    requireStack();
    const state = readState();
    const showSecrets = flags["show-secrets"] === true;
    const key = showSecrets ? stackKey(stackYaml()) : undefined;
    const result = {};
    for (const [name, value] of Object.entries(state.outputs)) {
      const secret = value && typeof value === "object" && "ciphertext" in value;
      result[name] = secret ? (showSecrets ? JSON.parse(decrypt(key, value.ciphertext)) : "[secret]") : value;
    }
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  if (first === "stack" && second === "history") {
    requireStack();
    process.stdout.write(`${JSON.stringify(readState().history.slice(0, Number(flags["page-size"] ?? 10)), null, 2)}\n`);
    return;
  }
  if (first === "cancel") {
    fs.rmSync(lockDir(), { recursive: true, force: true });
    process.stdout.write("The currently running update has been canceled!\n");
    return;
  }
  if (first === "up" || first === "preview" || first === "refresh" || first === "destroy") {
    await operation(first);
    return;
  }
  fail(`fake pulumi does not support "${argv.join(" ")}"`, 1);
}

main().catch((error) => fail(String(error && error.stack ? error.stack : error)));
