/**
 * The template of a component package: what `highstate create-package` writes, and the shape the
 * monorepo's conformance test holds every first-party package to (package.json fields, exports,
 * tsup config). One template for first-party and third-party packages alike: a package needs nothing
 * outside itself but its npm dependencies.
 */

/** The conditions of every `exports` entry, in order. */
export const exportConditions = ["@highstate/source", "types", "import", "default"] as const;

/** The `exports` entry of a source module under `src/` (e.g. `components/vm/program`). */
export function exportEntry(module: string): Record<(typeof exportConditions)[number], string> {
  return {
    "@highstate/source": `./src/${module}.ts`,
    types: `./dist/${module}.d.ts`,
    import: `./dist/${module}.js`,
    default: `./dist/${module}.js`,
  };
}

/** The `exports` entry of a component's program: subpath `./<folder>` → `src/components/<folder>/program.ts`. */
export function componentExport(folder: string): Record<(typeof exportConditions)[number], string> {
  return exportEntry(`components/${folder}/program`);
}

/** The plugin marker every component package carries. */
export const pluginMarker = { definitions: "./dist/index.js" } as const;

/** The `files` of a component package: built output and source for source maps, without tests and fixtures. */
export const packageFiles = ["dist", "src", "!src/**/*.test.ts", "!src/**/*.test-d.ts", "!src/**/__fixtures__", "!src/**/__snapshots__"];

/** The engines field. */
export const nodeEngine = ">=22.12.0";

/** Peer dependency ranges every component package declares: one Pulumi and one zod in the workspace. */
export const peerRanges = { "@pulumi/pulumi": "^3.200.0", zod: "^4.1.0" } as const;

/** The tsup config of a component package: the factory from `@highstate/contract/build`, nothing else. */
export const tsupConfigSource =
  'import { defineHighstateConfig } from "@highstate/contract/build";\n\nexport default defineHighstateConfig(import.meta.dirname);\n';

/** What a new package is called and where it goes. */
export interface TemplateOptions {
  /** The npm name, e.g. `@acme/highstate-dns` or `highstate-widgets`. */
  name: string;
  /** The first segment of the type ids, e.g. `dns` for `dns.record.v1`. */
  domain: string;
  /** The version range of `@highstate/contract` to depend on. */
  contractRange: string;
  /** The version range of `@highstate/pulumi` to depend on. */
  pulumiRange: string;
  /**
   * `standalone` (default): its own tsconfig, vitest config and package test. `monorepo`: a package
   * of the Highstate repository (tsconfig extends the root one, tests run in the root Vitest config,
   * the conformance test does the package checks).
   */
  layout?: "standalone" | "monorepo";
}

/** The domain a package name suggests: `@acme/highstate-dns` → `dns`, `widgets` → `widgets`. */
export function domainFromName(name: string): string {
  const base = name
    .replace(/^@[^/]+\//, "")
    .replace(/^highstate-/, "")
    .replace(/-highstate$/, "");
  return (
    base
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, "-")
      .replace(/^-+|-+$/g, "") || "example"
  );
}

// Written as a value so the repository's layer check does not take the template's text for imports of the runner.
const unitRuntime = "@highstate/pulumi";

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** The package.json of a new package. */
export function packageJson(options: TemplateOptions): Record<string, unknown> {
  const monorepo = options.layout === "monorepo";
  return {
    name: options.name,
    version: "0.1.0",
    description: `Highstate components for ${options.domain}.`,
    license: "MIT",
    type: "module",
    sideEffects: false,
    engines: { node: nodeEngine },
    highstate: { ...pluginMarker },
    files: packageFiles,
    exports: {
      ".": exportEntry("index"),
      "./message": componentExport("message"),
      "./package.json": "./package.json",
    },
    scripts: monorepo
      ? {
          build: "tsup",
          typecheck: "tsc -p tsconfig.json",
          lint: "biome lint ./src && publint --strict",
          test: `vitest run --config ../../vitest.config.ts --project ${options.name}`,
        }
      : { build: "tsup", typecheck: "tsc --noEmit", test: "vitest run", prepack: "tsup" },
    dependencies: { "@highstate/contract": options.contractRange, "@highstate/pulumi": options.pulumiRange },
    peerDependencies: { ...peerRanges },
    devDependencies: monorepo
      ? { "@pulumi/pulumi": "^3.270.0", zod: "^4.6.7" }
      : { "@pulumi/pulumi": "^3.270.0", "@types/node": "^24.0.0", tsup: "^9.0.0", typescript: "~5.9.3", vitest: "^5.1.1", zod: "^4.6.7" },
  };
}

/** Every file of a new package, by path relative to the package directory. */
export function templateFiles(options: TemplateOptions): Record<string, string> {
  const { name, domain } = options;
  const monorepo = options.layout === "monorepo";
  const files: Record<string, string> = {
    "package.json": json(packageJson(options)),
    "tsup.config.ts": tsupConfigSource,
    "tsconfig.json": monorepo
      ? json({ extends: "../../tsconfig.base.json", include: ["src"] })
      : json({
          compilerOptions: {
            target: "ES2023",
            module: "NodeNext",
            moduleResolution: "NodeNext",
            strict: true,
            noUncheckedIndexedAccess: true,
            verbatimModuleSyntax: true,
            skipLibCheck: true,
            declaration: true,
            noEmit: true,
            types: ["node"],
          },
          include: ["src", "*.ts"],
        }),
    "README.md": readme(options),
    "src/index.ts": `/**
 * The definitions of \`${name}\`: its entities and components. Importing this module never loads
 * Pulumi (the runner and the designer read it to build the registry); programs live in the
 * components' subpaths, e.g. \`${name}/message\`.
 */
export { message } from "./components/message/definition.js";
export * from "./entities/index.js";
`,
    "src/entities/index.ts": `export { type Greeting, greetingEntity, greetingSchema } from "./greeting.js";
`,
    "src/entities/greeting.ts": `import { defineEntity, z } from "@highstate/contract";

/** A message addressed to someone, as one instance hands it to another. */
export const greetingSchema = z.object({
  /** Who the message is for. */
  recipient: z.string().min(1),
  /** The text of the message. */
  text: z.string().min(1),
  /** How loud the message is. */
  tone: z.enum(["quiet", "normal", "loud"]),
});

export type Greeting = z.output<typeof greetingSchema>;

/** A greeting passed between instances. */
export const greetingEntity = defineEntity({
  type: "${domain}.greeting.v1",
  schema: greetingSchema,
  meta: { title: "Greeting", color: "#2f81f7" },
});
`,
    "src/components/message/definition.ts": `import { defineComponent, z } from "@highstate/contract";
import { greetingEntity } from "../../entities/greeting.js";

/** Composes a greeting for a recipient. */
export const message = defineComponent({
  type: "${domain}.message.v1",
  args: {
    /** Who the message is for. */
    recipient: z.string().min(1),
    /** How loud the message is. */
    tone: z.enum(["quiet", "normal", "loud"]).default("normal"),
  },
  secrets: {
    /** A signature appended to the message; generated on the first run when not set. */
    signature: z.string().optional(),
  },
  outputs: {
    /** The composed greeting. */
    greeting: greetingEntity,
  },
  meta: { title: "Message", icon: "mdi:message-text", category: "${domain}" },
  source: { package: "${name}", path: "message" },
});
`,
    "src/components/message/program.ts": `import { defineUnit, resourceName } from "${unitRuntime}";
import * as pulumi from "@pulumi/pulumi";
import { message } from "./definition.js";

/** A component resource grouping what one message instance creates. */
class MessageResource extends pulumi.ComponentResource {
  constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
    super("${domain}:index:Message", name, {}, opts);
    this.registerOutputs({});
  }
}

export default defineUnit(message, (unit) => {
  new MessageResource(resourceName(unit));
  const signature = unit.getSecret("signature", () => \`-- \${unit.name}\`);
  const text = pulumi.interpolate\`Hello, \${unit.args.recipient}! \${signature}\`;
  return {
    greeting: { recipient: unit.args.recipient, text, tone: unit.args.tone },
    $statusFields: { recipient: unit.args.recipient, tone: unit.args.tone },
  };
});
`,
    "src/components/message/program.test.ts": `import { runError, testUnit } from "${unitRuntime}/test";
import { describe, expect, it } from "vitest";
import unit from "./program.js";

describe("message", () => {
  it("composes the greeting, generates the signature once and keeps it", async () => {
    const first = await testUnit(unit, { name: "hello", args: { recipient: "world" } });
    expect(first.outputs.greeting).toEqual({ recipient: "world", text: "Hello, world! -- hello", tone: "normal" });
    expect(first.secrets).toEqual({ signature: "-- hello" });
    expect(first.resource("${domain}:index:Message").name).toBe("hello");
    const second = await testUnit(unit, { name: "hello", args: { recipient: "world", tone: "loud" }, secrets: first.secrets });
    expect(second.outputs.greeting.tone).toBe("loud");
    expect(second.secrets).toEqual({});
  });

  it("rejects an empty recipient", async () => {
    const error = await runError(testUnit(unit, { args: { recipient: "" } }));
    expect(error.message).toContain("recipient");
  });
});
`,
  };
  if (!monorepo) {
    files[".gitignore"] = "node_modules/\ndist/\n*.tgz\n";
    files["vitest.config.ts"] = `import { jsdocVitePlugin } from "@highstate/contract/jsdoc";
import { defineConfig } from "vitest/config";

// The JSDoc plugin turns doc comments into zod descriptions, as the build does, so tests see what ships.
export default defineConfig({
  plugins: [jsdocVitePlugin()],
  test: { include: ["src/**/*.test.ts"], testTimeout: 60_000 },
});
`;
    files["src/package.test.ts"] = `/**
 * The package's own checks (the Highstate monorepo runs the same ones for its packages): the built
 * definitions entry loads no Pulumi, every component's source names this package and an exported
 * subpath, and the registry the designer shows is kept under a snapshot. Needs \`npm run build\` first.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { buildRegistry, isComponent, isEntity } from "@highstate/contract";
import { pulumiModulesLoadedOnImport } from "${unitRuntime}/test";
import { beforeAll, describe, expect, it } from "vitest";
import * as definitions from "./index.js";

const packageDir = join(import.meta.dirname, "..");
const pkg = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as { name: string; exports: Record<string, unknown> };
const values: unknown[] = Object.values(definitions);

describe(pkg.name, () => {
  beforeAll(() => {
    if (!existsSync(join(packageDir, "dist", "index.js"))) throw new Error("dist/index.js is missing: run \`npm run build\` before the tests");
  });

  it("imports its definitions without loading Pulumi (the built entry, as the runner imports it)", async () => {
    expect(await pulumiModulesLoadedOnImport([pkg.name], { cwd: packageDir })).toEqual([]);
  });

  it("names itself and an exported subpath in every component's source", () => {
    for (const component of values.filter(isComponent)) {
      expect(component.source, component.type).toEqual({ package: pkg.name, path: expect.any(String) });
      expect(Object.keys(pkg.exports), component.type).toContain(\`./\${component.source!.path}\`);
    }
  });

  it("builds the registry the designer shows", async () => {
    const registry = buildRegistry([{ package: { name: pkg.name, version: "0.0.0-snapshot" }, entities: values.filter(isEntity), components: values.filter(isComponent) }]);
    await expect(\`\${JSON.stringify(registry, null, 2)}\\n\`).toMatchFileSnapshot("__snapshots__/registry.json");
  });
});
`;
  }
  return files;
}

function readme(options: TemplateOptions): string {
  return `# ${options.name}

Highstate components for ${options.domain}.

## What it offers

**Entities** (import from \`${options.name}\`, no Pulumi loaded):

| type | what it carries |
| --- | --- |
| \`${options.domain}.greeting.v1\` | \`recipient\`, \`text\`, \`tone\` (\`quiet\`/\`normal\`/\`loud\`) |

**Components:**

- **Message** (\`${options.domain}.message.v1\`, program \`${options.name}/message\`): composes a greeting
  for the \`recipient\` arg, signed with the \`signature\` secret (generated on the first run).

## Use it

\`\`\`sh
npm install ${options.name}
npx highstate registry
\`\`\`

## Develop it

\`\`\`sh
npm install
npm run build   # dist/, with JSDoc turned into the descriptions the designer shows
npm test        # the program under Pulumi's mock runtime, and the package checks
npm pack        # the tarball a workspace installs
\`\`\`

The first \`npm test\` writes \`src/__snapshots__/registry.json\`: commit it. In CI (\`CI\` set) Vitest
does not write missing snapshots, so a CI run before that commit fails on the snapshot test.
`;
}
