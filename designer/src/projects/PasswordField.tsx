/** A password input with a show/hide toggle. */
import { useId, useState } from "react";
import { UiIcon } from "../icons/Icon.js";

export function PasswordField({
  label,
  value,
  onChange,
  autoComplete,
  error,
  describedBy,
  autoFocus,
  name,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  autoComplete: "new-password" | "current-password";
  error?: string;
  describedBy?: string;
  autoFocus?: boolean;
  name?: string;
}) {
  const id = useId();
  const [visible, setVisible] = useState(false);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <div className="input-with-button">
        <input
          id={id}
          name={name}
          type={visible ? "text" : "password"}
          value={value}
          autoComplete={autoComplete}
          onChange={(event) => onChange(event.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={[error ? `${id}-error` : "", describedBy ?? ""].join(" ").trim() || undefined}
          data-autofocus={autoFocus || undefined}
          spellCheck={false}
        />
        <button
          type="button"
          className="icon-button"
          aria-label={visible ? "Hide password" : "Show password"}
          aria-pressed={visible}
          onClick={() => setVisible((v) => !v)}
        >
          <UiIcon name={visible ? "eye-off" : "eye"} size={16} />
        </button>
      </div>
      {error && (
        <div id={`${id}-error`} className="field-error" role="alert">
          {error}
        </div>
      )}
    </div>
  );
}
