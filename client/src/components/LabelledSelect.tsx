import { useId, type ReactNode } from 'react';

/**
 * One of the analysis pickers: a label and the select it names, in an `analysis-filter` box.
 * The options are the children; `id` is given when something else on the page refers to the select.
 */
export function LabelledSelect({
  id,
  label,
  value,
  onChange,
  testId,
  name,
  width,
  children,
}: {
  id?: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  testId?: string;
  name?: string;
  width?: 'wide' | 'narrow';
  children: ReactNode;
}) {
  const ownId = useId();
  const selectId = id ?? ownId;
  return (
    <div className={width ? `analysis-filter analysis-filter--${width}` : 'analysis-filter'}>
      <label htmlFor={selectId}>{label}</label>
      <select id={selectId} name={name} value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
        {children}
      </select>
    </div>
  );
}
