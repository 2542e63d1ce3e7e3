/**
 * A form generated from a JSON Schema: strings, numbers, booleans, enums, lists, nested objects,
 * key/value maps, multiline text and code (when the schema names a `language`), and raw JSON for
 * anything else. Descriptions (from JSDoc) are the help text; errors show under their field.
 */
import { useId, useState } from "react";
import { fieldTitle } from "../canvas/layout.js";
import { UiIcon } from "../icons/Icon.js";
import { MarkdownText } from "../ui/Markdown.js";
import { CodeEditor } from "./CodeEditor.js";
import { type FieldInfo, fieldInfo, type Schema } from "./schema.js";

interface FieldProps {
  name: string;
  path: string;
  schema: Schema;
  root: Schema;
  value: unknown;
  onChange: (value: unknown) => void;
  errors: Record<string, string>;
  required: boolean;
}

/** The fields of an object schema. */
export function SchemaFields({
  schema,
  root,
  value,
  onChange,
  errors,
  path = "",
}: {
  schema: Schema;
  root: Schema;
  value: Record<string, unknown>;
  onChange: (value: Record<string, unknown>) => void;
  errors: Record<string, string>;
  path?: string;
}) {
  const properties = Object.entries(schema.properties ?? {});
  if (properties.length === 0) return <p className="muted">This component has no args.</p>;
  return (
    <div className="schema-fields">
      {properties.map(([name, property]) => (
        <SchemaField
          key={name}
          name={name}
          path={path ? `${path}.${name}` : name}
          schema={property}
          root={root}
          value={value[name]}
          required={schema.required?.includes(name) ?? false}
          errors={errors}
          onChange={(next) => {
            const copy = { ...value };
            if (next === undefined) delete copy[name];
            else copy[name] = next;
            onChange(copy);
          }}
        />
      ))}
    </div>
  );
}

function defaultText(info: FieldInfo): string | undefined {
  return info.schema.default === undefined
    ? undefined
    : typeof info.schema.default === "string"
      ? info.schema.default
      : JSON.stringify(info.schema.default);
}

export function SchemaField(props: FieldProps) {
  const { name, path, schema, root, value, onChange, errors, required } = props;
  const id = useId();
  const info = fieldInfo(schema, root);
  const error = errors[path];
  const nestedErrors = Object.keys(errors).some((key) => key.startsWith(`${path}.`));
  const label = fieldTitle(name, info.schema);
  const help = typeof info.schema.description === "string" ? info.schema.description : undefined;
  const fallback = defaultText(info);
  const helpId = `${id}-help`;
  const errorId = `${id}-error`;
  const describedBy = [help ? helpId : "", error ? errorId : ""].join(" ").trim() || undefined;
  const labelRow = (
    <div className="field-label-row">
      <label htmlFor={id}>{label}</label>
      {required && (
        <span className="required" aria-hidden="true">
          *
        </span>
      )}
      {!name.includes(" ") && <code className="field-name">{name}</code>}
      {value !== undefined && !required && (
        <button
          type="button"
          className="link-button small"
          onClick={() => onChange(undefined)}
          aria-label={`Reset ${label} to its default`}
        >
          reset
        </button>
      )}
    </div>
  );
  const footer = (
    <>
      {help && (
        <div id={helpId} className="field-help">
          <MarkdownText text={help} />
        </div>
      )}
      {error && (
        <div id={errorId} className="field-error" role="alert">
          {label} {error}
        </div>
      )}
    </>
  );
  const invalid = error ? true : undefined;
  switch (info.kind) {
    case "string":
      return (
        <div className="field">
          {labelRow}
          <input
            id={id}
            type="text"
            value={typeof value === "string" ? value : ""}
            placeholder={fallback}
            aria-required={required || undefined}
            aria-invalid={invalid}
            aria-describedby={describedBy}
            onChange={(event) => onChange(event.target.value === "" ? undefined : event.target.value)}
            spellCheck={false}
          />
          {footer}
        </div>
      );
    case "text":
      return (
        <div className="field">
          {labelRow}
          <textarea
            id={id}
            rows={5}
            value={typeof value === "string" ? value : ""}
            placeholder={fallback}
            aria-invalid={invalid}
            aria-describedby={describedBy}
            onChange={(event) => onChange(event.target.value === "" ? undefined : event.target.value)}
            spellCheck={false}
          />
          {footer}
        </div>
      );
    case "code":
      return (
        <div className="field">
          {labelRow}
          <CodeEditor
            id={id}
            value={typeof value === "string" ? value : ""}
            language={info.language}
            invalid={invalid}
            describedBy={describedBy}
            onChange={(text) => onChange(text === "" ? undefined : text)}
          />
          {footer}
        </div>
      );
    case "number":
    case "integer":
      return <NumberField {...props} id={id} info={info} labelRow={labelRow} footer={footer} describedBy={describedBy} />;
    case "boolean":
      return (
        <div className="field field-checkbox">
          <div className="checkbox-row">
            <input
              id={id}
              type="checkbox"
              checked={typeof value === "boolean" ? value : info.schema.default === true}
              aria-describedby={describedBy}
              onChange={(event) => onChange(event.target.checked)}
            />
            {labelRow}
          </div>
          {footer}
        </div>
      );
    case "enum":
      return (
        <div className="field">
          {labelRow}
          <select
            id={id}
            value={value === undefined ? "" : JSON.stringify(value)}
            aria-invalid={invalid}
            aria-describedby={describedBy}
            onChange={(event) => onChange(event.target.value === "" ? undefined : JSON.parse(event.target.value))}
          >
            <option value="">{fallback !== undefined ? `default (${fallback})` : required ? "choose…" : "not set"}</option>
            {(info.options ?? []).map((option) => (
              <option key={JSON.stringify(option)} value={JSON.stringify(option)}>
                {String(option)}
              </option>
            ))}
          </select>
          {footer}
        </div>
      );
    case "array":
      return (
        <fieldset className={`field fieldset${nestedErrors ? " has-errors" : ""}`} aria-describedby={describedBy}>
          <legend>{labelRow}</legend>
          <ArrayItems {...props} info={info} />
          {footer}
        </fieldset>
      );
    case "object":
      return (
        <fieldset className={`field fieldset${nestedErrors ? " has-errors" : ""}`} aria-describedby={describedBy}>
          <legend>{labelRow}</legend>
          <SchemaFields
            schema={info.schema}
            root={root}
            value={(value as Record<string, unknown>) ?? {}}
            path={path}
            errors={errors}
            onChange={(next) => onChange(Object.keys(next).length === 0 ? undefined : next)}
          />
          {footer}
        </fieldset>
      );
    case "record":
      return (
        <fieldset className={`field fieldset${nestedErrors ? " has-errors" : ""}`} aria-describedby={describedBy}>
          <legend>{labelRow}</legend>
          <RecordItems {...props} info={info} />
          {footer}
        </fieldset>
      );
    case "json":
      return <JsonField {...props} id={id} labelRow={labelRow} footer={footer} describedBy={describedBy} />;
  }
}

function NumberField({
  value,
  onChange,
  info,
  id,
  labelRow,
  footer,
  describedBy,
  errors,
  path,
}: FieldProps & { id: string; info: FieldInfo; labelRow: React.ReactNode; footer: React.ReactNode; describedBy?: string }) {
  const [text, setText] = useState(typeof value === "number" ? String(value) : "");
  const [local, setLocal] = useState<string>();
  return (
    <div className="field">
      {labelRow}
      <input
        id={id}
        type="text"
        inputMode={info.kind === "integer" ? "numeric" : "decimal"}
        value={text}
        placeholder={info.schema.default !== undefined ? String(info.schema.default) : undefined}
        aria-invalid={errors[path] || local ? true : undefined}
        aria-describedby={describedBy}
        onChange={(event) => {
          const raw = event.target.value.trim();
          setText(event.target.value);
          if (raw === "") {
            setLocal(undefined);
            onChange(undefined);
            return;
          }
          const number = Number(raw);
          if (!Number.isFinite(number)) {
            setLocal("is not a number");
            onChange(raw);
          } else {
            setLocal(undefined);
            onChange(number);
          }
        }}
      />
      {footer}
    </div>
  );
}

function ArrayItems({ name, path, value, onChange, errors, root, info }: FieldProps & { info: FieldInfo }) {
  const items = Array.isArray(value) ? value : [];
  const itemSchema = info.schema.items ?? {};
  const itemInfo = fieldInfo(itemSchema, root);
  const blank = () =>
    itemInfo.kind === "object"
      ? {}
      : itemInfo.kind === "boolean"
        ? false
        : itemInfo.kind === "number" || itemInfo.kind === "integer"
          ? 0
          : "";
  return (
    <div className="array-items">
      {items.map((item, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: list items are plain values without identity; the position is the identity.
        <div className="array-item" key={`${path}.${index}`}>
          <div className="array-item-field">
            <SchemaField
              name={`${name} ${index + 1}`}
              path={`${path}.${index}`}
              schema={{ ...itemSchema, title: `${fieldTitle(name, info.schema)} #${index + 1}` }}
              root={root}
              value={item}
              required
              errors={errors}
              onChange={(next) => onChange(items.map((old, i) => (i === index ? next : old)))}
            />
          </div>
          <button
            type="button"
            className="icon-button"
            aria-label={`Remove item ${index + 1} of ${fieldTitle(name, info.schema)}`}
            onClick={() => onChange(items.filter((_, i) => i !== index))}
          >
            <UiIcon name="delete-outline" size={16} />
          </button>
        </div>
      ))}
      <button type="button" className="button small" onClick={() => onChange([...items, blank()])}>
        <UiIcon name="plus" size={14} /> Add {fieldTitle(name, info.schema).toLowerCase()} item
      </button>
    </div>
  );
}

function RecordItems({ path, value, onChange, errors, root, info }: FieldProps & { info: FieldInfo }) {
  const record = value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  const entries = Object.entries(record);
  const valueSchema = (typeof info.schema.additionalProperties === "object" ? info.schema.additionalProperties : {}) as Schema;
  return (
    <div className="record-items">
      {entries.map(([key, item], index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the key is being edited, so the position is the stable identity.
        <div className="record-item" key={`${path}.${index}`}>
          <input
            type="text"
            aria-label={`Key ${index + 1}`}
            value={key}
            spellCheck={false}
            onChange={(event) => onChange(Object.fromEntries(entries.map(([k, v], i) => (i === index ? [event.target.value, v] : [k, v]))))}
          />
          <div className="array-item-field">
            <SchemaField
              name={key || `value ${index + 1}`}
              path={`${path}.${key}`}
              schema={valueSchema}
              root={root}
              value={item}
              required
              errors={errors}
              onChange={(next) => onChange({ ...record, [key]: next })}
            />
          </div>
          <button
            type="button"
            className="icon-button"
            aria-label={`Remove ${key}`}
            onClick={() => onChange(Object.fromEntries(entries.filter((_, i) => i !== index)))}
          >
            <UiIcon name="delete-outline" size={16} />
          </button>
        </div>
      ))}
      <button
        type="button"
        className="button small"
        onClick={() =>
          onChange({ ...record, [`key${entries.length + 1}`]: valueSchema.type === "number" || valueSchema.type === "integer" ? 0 : "" })
        }
      >
        <UiIcon name="plus" size={14} /> Add entry
      </button>
    </div>
  );
}

function JsonField({
  value,
  onChange,
  id,
  labelRow,
  footer,
  describedBy,
  errors,
  path,
}: FieldProps & { id: string; labelRow: React.ReactNode; footer: React.ReactNode; describedBy?: string }) {
  const [text, setText] = useState(value === undefined ? "" : JSON.stringify(value, null, 2));
  const [parseError, setParseError] = useState<string>();
  return (
    <div className="field">
      {labelRow}
      <CodeEditor
        id={id}
        value={text}
        language="json"
        invalid={errors[path] !== undefined || parseError !== undefined}
        describedBy={describedBy}
        onChange={(next) => {
          setText(next);
          if (next.trim() === "") {
            setParseError(undefined);
            onChange(undefined);
            return;
          }
          try {
            onChange(JSON.parse(next));
            setParseError(undefined);
          } catch (caught) {
            setParseError(caught instanceof Error ? caught.message : "is not valid JSON");
          }
        }}
      />
      {parseError && (
        <div className="field-error" role="alert">
          not valid JSON: {parseError}
        </div>
      )}
      {footer}
    </div>
  );
}
