/** A small code editor: a textarea over syntax-highlighted text (Prism), for multiline args with a `language`. */
import Prism from "prismjs";
import "prismjs/components/prism-yaml.js";
import "prismjs/components/prism-json.js";
import "prismjs/components/prism-bash.js";
import "prismjs/components/prism-ini.js";
import "prismjs/components/prism-toml.js";
import "prismjs/components/prism-typescript.js";
import "prismjs/components/prism-nginx.js";
import "prismjs/components/prism-docker.js";
import "prismjs/components/prism-python.js";
import "prismjs/components/prism-sql.js";
import EditorModule from "react-simple-code-editor";

// The package is CommonJS; bundlers differ in whether the default import is the component or the module.
const Editor = ((EditorModule as unknown as { default?: typeof EditorModule }).default ?? EditorModule) as typeof EditorModule;

const aliases: Record<string, string> = {
  yml: "yaml",
  sh: "bash",
  shell: "bash",
  js: "javascript",
  ts: "typescript",
  dockerfile: "docker",
  conf: "nginx",
};

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Highlights `code` as HTML; unknown languages are escaped plain text. */
export function highlight(code: string, language: string | undefined): string {
  const name = language ? (aliases[language] ?? language) : undefined;
  const grammar = name ? Prism.languages[name] : undefined;
  return grammar ? Prism.highlight(code, grammar, name!) : escapeHtml(code);
}

export function CodeEditor({
  id,
  value,
  onChange,
  language,
  invalid,
  describedBy,
  minLines = 4,
}: {
  id: string;
  value: string;
  onChange: (value: string) => void;
  language?: string;
  invalid?: boolean;
  describedBy?: string;
  minLines?: number;
}) {
  return (
    <div className={`code-editor${invalid ? " invalid" : ""}`} data-language={language}>
      <Editor
        textareaId={id}
        value={value}
        onValueChange={onChange}
        highlight={(code) => highlight(code, language)}
        padding={8}
        tabSize={2}
        insertSpaces
        style={{ minHeight: minLines * 18 + 16 }}
        textareaClassName="code-textarea"
        preClassName="code-pre"
        aria-invalid={invalid || undefined}
        aria-describedby={describedBy}
        spellCheck={false}
      />
      {language && <span className="code-language">{language}</span>}
    </div>
  );
}
