// Writes the package's entry module beside the built app: `dist/index.js` exports the absolute path
// of `dist/` (where `index.html` and `assets/` are), and `dist/index.d.ts` types it.
import { existsSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const dist = fileURLToPath(new URL("../dist/", import.meta.url));
if (!existsSync(`${dist}index.html`)) {
  console.error(`write-index: "${dist}index.html" is missing; run "vite build" first.`);
  process.exit(1);
}
writeFileSync(
  `${dist}index.js`,
  `import { fileURLToPath } from "node:url";\n\n/** Absolute path of the folder with the built designer app (\`index.html\` and \`assets/\`). */\nexport const designerAssetsDir = fileURLToPath(new URL("./", import.meta.url));\n`,
);
writeFileSync(
  `${dist}index.d.ts`,
  `/** Absolute path of the folder with the built designer app (\`index.html\` and \`assets/\`). */\nexport declare const designerAssetsDir: string;\n`,
);
console.log(`write-index: wrote ${dist}index.js`);
