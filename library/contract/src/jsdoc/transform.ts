import ts from "typescript";

/**
 * The runtime half of the transform, appended to every transformed module. It is deliberately tiny and
 * self-contained so transformed code needs no import: a zod schema gets the comment as its
 * description, an entity used as an input/output gets wrapped into a spec with a description, and a
 * definition assigned to a documented variable gets the comment as its `meta.description`.
 */
const runtimeHelpers = `
function __highstateDoc(value, text) {
  if (value === null || (typeof value !== "object" && typeof value !== "function")) return value;
  if (value._zod && typeof value.describe === "function") return value.description === undefined ? value.describe(text) : value;
  if (value[Symbol.for("highstate.entity")] === true) return { entity: value, description: text };
  if (!Array.isArray(value) && value.entity && value.entity[Symbol.for("highstate.entity")] === true) return value.description === undefined ? { ...value, description: text } : value;
  return value;
}
function __highstateDocDefinition(value, text) {
  if (value && (value[Symbol.for("highstate.entity")] === true || value[Symbol.for("highstate.component")] === true) && value.meta && value.meta.description === undefined) {
    value.meta.description = text;
  }
  return value;
}
`;

const definitionFactories = new Set(["defineEntity", "defineComponent"]);

interface Insertion {
  pos: number;
  text: string;
  /** Opening insertions are ordered outermost first, closing ones innermost first. */
  kind: "open" | "close";
  depth: number;
}

function jsDocText(node: ts.Node): string | undefined {
  const docs = (node as { jsDoc?: ts.JSDoc[] }).jsDoc;
  if (!docs || docs.length === 0) return undefined;
  const last = docs[docs.length - 1]!;
  const text = ts.getTextOfJSDocComment(last.comment)?.trim();
  return text ? text.replace(/\s*\n\s*/g, " ") : undefined;
}

function isDefinitionCall(expression: ts.Expression): boolean {
  if (!ts.isCallExpression(expression)) return false;
  const callee = expression.expression;
  const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
  return name !== undefined && definitionFactories.has(name);
}

/**
 * Turns JSDoc comments on object-literal properties (zod fields, component args, secrets, inputs and
 * outputs) and on variables holding `defineEntity`/`defineComponent` calls into runtime descriptions.
 * Returns `undefined` when the module has nothing to transform, so callers can skip it cheaply.
 */
export function transformJsDocDescriptions(code: string, fileName: string): string | undefined {
  if (!code.includes("/**")) return undefined;
  const kind = fileName.endsWith(".tsx") ? ts.ScriptKind.TSX : fileName.endsWith(".ts") ? ts.ScriptKind.TS : ts.ScriptKind.JS;
  const source = ts.createSourceFile(fileName, code, ts.ScriptTarget.Latest, true, kind);
  const insertions: Insertion[] = [];

  const wrap = (expression: ts.Expression, helper: string, text: string, depth: number) => {
    insertions.push({ pos: expression.getStart(source), text: `${helper}(`, kind: "open", depth });
    insertions.push({ pos: expression.end, text: `, ${JSON.stringify(text)})`, kind: "close", depth });
  };

  const visit = (node: ts.Node, depth: number) => {
    if (ts.isPropertyAssignment(node) && ts.isObjectLiteralExpression(node.parent)) {
      const text = jsDocText(node);
      if (text) wrap(node.initializer, "__highstateDoc", text, depth);
    } else if (ts.isVariableDeclaration(node) && node.initializer && isDefinitionCall(node.initializer)) {
      const statement = node.parent.parent;
      const text = ts.isVariableStatement(statement) ? jsDocText(statement) : undefined;
      if (text) wrap(node.initializer, "__highstateDocDefinition", text, depth);
    }
    ts.forEachChild(node, (child) => visit(child, depth + 1));
  };
  visit(source, 0);
  if (insertions.length === 0) return undefined;

  insertions.sort((a, b) => {
    if (a.pos !== b.pos) return a.pos - b.pos;
    if (a.kind !== b.kind) return a.kind === "close" ? -1 : 1;
    return a.kind === "open" ? a.depth - b.depth : b.depth - a.depth;
  });
  let result = "";
  let cursor = 0;
  for (const insertion of insertions) {
    result += code.slice(cursor, insertion.pos) + insertion.text;
    cursor = insertion.pos;
  }
  result += code.slice(cursor);
  return `${result}\n${runtimeHelpers}`;
}
