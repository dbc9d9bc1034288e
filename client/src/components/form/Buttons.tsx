import type { ButtonHTMLAttributes, ReactNode } from 'react';

/** A small `type="button"` button; `secondary` for the quieter style. */
export function SmallButton({
  secondary,
  ...button
}: { secondary?: boolean } & Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'type' | 'className'>) {
  return (
    <button type="button" className={`button button--small${secondary ? ' button--secondary' : ''}`} {...button} />
  );
}

/** A form's submit button: disabled while `busy` (or when `disabled`), saying `busyLabel` meanwhile. */
export function SubmitButton({
  busy = false,
  label,
  busyLabel,
  disabled,
  testId,
}: {
  busy?: boolean;
  label: ReactNode;
  busyLabel?: ReactNode;
  disabled?: boolean;
  testId?: string;
}) {
  return (
    <button type="submit" className="button" disabled={busy || disabled} data-testid={testId}>
      {busy && busyLabel !== undefined ? busyLabel : label}
    </button>
  );
}
