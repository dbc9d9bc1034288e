import type { InputHTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';

/** A labelled text input (the label wraps it), with an optional hint under it. */
type FieldProps = {
  label: string;
  hint?: string;
  /** The typed text, for a field kept in state (instead of `onChange`). */
  onValue?: (value: string) => void;
} & InputHTMLAttributes<HTMLInputElement>;

export function InputField({ label, hint, onValue, ...input }: FieldProps) {
  return (
    <label className="field">
      <span className="field__label">{label}</span>
      <input {...input} onChange={onValue ? (e) => onValue(e.target.value) : input.onChange} />
      {hint && <span className="field__hint">{hint}</span>}
    </label>
  );
}

/** An e-mail address, required. */
export function EmailField(props: FieldProps) {
  return <InputField type="email" name="email" required {...props} />;
}

/** A password, hidden as it is typed. */
export function PasswordField(props: FieldProps) {
  return <InputField type="password" {...props} />;
}

/** The password one signs in with, which the browser may fill in. */
export function CurrentPasswordField(props: FieldProps) {
  return <InputField type="password" autoComplete="current-password" {...props} />;
}

/** A new password: the browser may offer one, and the rule it must follow is said under it. */
export function NewPasswordField(props: FieldProps) {
  const { t } = useTranslation();
  return (
    <InputField
      type="password"
      name="new-password"
      autoComplete="new-password"
      hint={t('settings.passwordHint')}
      {...props}
    />
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
