import { useId } from 'react';
import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes, TextareaHTMLAttributes } from 'react';

/** What every labelled control has: its id, its label and, optionally, a hint under it. */
type Labelled = {
  /** The control's id; the label points to it, and a hint is `${id}-hint`. */
  id: string;
  label: ReactNode;
  /** A line under the control that describes it (`aria-describedby`). */
  hint?: ReactNode;
  /** The hint's class (`field__hint` unless told). */
  hintClass?: string;
  /** The wrapper's class (`field` unless told, e.g. `field field--inline`). */
  frame?: string;
  /** Shown after the control and its hint (a count, an error line). */
  after?: ReactNode;
};

function Frame({
  id,
  label,
  hint,
  hintClass = 'field__hint',
  frame = 'field',
  after,
  children,
}: Labelled & {
  children: ReactNode;
}) {
  return (
    <div className={frame}>
      <label htmlFor={id}>{label}</label>
      {children}
      {hint && (
        <p id={`${id}-hint`} className={hintClass}>
          {hint}
        </p>
      )}
      {after}
    </div>
  );
}

const hintOf = (id: string, hint: ReactNode) => (hint ? `${id}-hint` : undefined);

/** The props of the frame, and the rest (the control's). */
function split<T extends Labelled>({ id, label, hint, hintClass, frame, after, ...control }: T) {
  return [{ id, label, hint, hintClass, frame, after }, control] as const;
}

/** The frame around a control made by `control` (given the rest of the props, its id and description). */
function framed<P extends Labelled>(
  props: P,
  control: (rest: Omit<P, keyof Labelled>, own: { id: string; 'aria-describedby'?: string }) => ReactNode,
) {
  const [f, rest] = split(props);
  return <Frame {...f}>{control(rest, { id: f.id, 'aria-describedby': hintOf(f.id, f.hint) })}</Frame>;
}

/** A labelled `<input>` (text, number, date, file, search: any type). */
export function TextField(props: Labelled & InputHTMLAttributes<HTMLInputElement>) {
  return framed(props, (input, own) => <input {...own} {...input} />);
}

/** A labelled `<textarea>`. */
export function TextAreaField(props: Labelled & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  return framed(props, (area, own) => <textarea {...own} {...area} />);
}

export type Choice = { value: string | number; label: ReactNode };

/**
 * A labelled `<select>`: an optional first "none" option (value ''), then `children` (extra
 * options), then `choices`.
 */
export function SelectField(
  props: Labelled & { empty?: string; choices?: readonly Choice[] } & SelectHTMLAttributes<HTMLSelectElement>,
) {
  return framed(props, ({ empty, choices = [], children, ...select }, own) => (
    <select {...own} {...select}>
      {empty !== undefined && <option value="">{empty}</option>}
      {children}
      {choices.map((c) => option(c.value, c.label))}
    </select>
  ));
}

/** One `<option>` of a select. */
export const option = (value: string | number, label: ReactNode) => (
  <option key={value} value={value}>
    {label}
  </option>
);

/** A checkbox with its label after it (`field field--check`). */
export function CheckField({
  id,
  label,
  checked,
  onChange,
}: {
  id: string;
  label: ReactNode;
  checked: boolean;
  onChange: (checked: boolean) => void;
}) {
  return (
    <div className="field field--check">
      <input id={id} type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} />
      <label htmlFor={id}>{label}</label>
    </div>
  );
}

/** A labelled file input: `onFile` gets the chosen file (or undefined when the choice is cleared). */
export function FileField({
  onFile,
  ...field
}: {
  label: ReactNode;
  accept: string;
  required?: boolean;
  onFile: (file: File | undefined) => void;
}) {
  const id = useId();
  return <TextField id={id} type="file" {...field} onChange={(e) => onFile(e.target.files?.[0])} />;
}
