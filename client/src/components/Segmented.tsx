import { useId } from 'react';

/** One choice of a few, as a row of radio buttons under a legend. */
export function Segmented<T extends string>({
  legend,
  options,
  value,
  onChange,
  label,
}: {
  legend: string;
  options: readonly T[];
  value: T;
  onChange: (value: T) => void;
  /** The text of an option. */
  label: (option: T) => string;
}) {
  const name = useId();
  return (
    <fieldset className="segmented">
      <legend>{legend}</legend>
      {options.map((o) => (
        <label key={o} className="segmented__item">
          <input type="radio" name={name} value={o} checked={value === o} onChange={() => onChange(o)} />
          <span>{label(o)}</span>
        </label>
      ))}
    </fieldset>
  );
}
