import type { InputHTMLAttributes } from 'react';

/** A labelled text input (the label wraps it), with an optional hint under it. */
export function InputField({
  label,
  hint,
  ...input
}: { label: string; hint?: string } & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <label className="field">
      <span className="field__label">{label}</span>
      <input {...input} />
      {hint && <span className="field__hint">{hint}</span>}
    </label>
  );
}

/** A form's outcome in words: its problem (an alert) or what it did (a status). */
export function FormNotices({ error, done, testId }: { error?: string | null; done?: string | null; testId?: string }) {
  return (
    <>
      {error && (
        <div className="notice notice--error" role="alert" data-testid={testId}>
          <p>{error}</p>
        </div>
      )}
      {done && (
        <div className="notice notice--success" role="status">
          <p>{done}</p>
        </div>
      )}
    </>
  );
}

/** A labelled choice among plain values (each shown as itself). */
export function ValueSelect({
  id,
  label,
  value,
  options,
  onChange,
}: {
  id: string;
  label: string;
  value: string | number;
  options: readonly (string | number)[];
  onChange: (value: string) => void;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </div>
  );
}
