import { useId, type FormHTMLAttributes, type ReactNode, type Ref } from 'react';

/**
 * A form on a card under its own heading (which names it), with an optional intro line. The
 * browser's submit is stopped; `onSubmit` does the work.
 */
export function CardForm({
  title,
  intro,
  level = 2,
  headingRef,
  className = 'card admin-form',
  onSubmit,
  children,
  ...form
}: {
  title: ReactNode;
  intro?: ReactNode;
  /** The heading's level: h2 unless told. */
  level?: 2 | 3;
  /** A heading that takes the focus (it gets tabIndex -1). */
  headingRef?: Ref<HTMLHeadingElement>;
  className?: string;
  onSubmit: () => unknown;
  children: ReactNode;
} & Omit<FormHTMLAttributes<HTMLFormElement>, 'onSubmit' | 'title' | 'className'>) {
  const id = useId();
  const Heading = level === 3 ? 'h3' : 'h2';
  return (
    <form
      className={className}
      onSubmit={(e) => {
        e.preventDefault();
        void onSubmit();
      }}
      aria-labelledby={`${id}-h`}
      {...form}
    >
      <Heading id={`${id}-h`} ref={headingRef} tabIndex={headingRef ? -1 : undefined}>
        {title}
      </Heading>
      {intro && <p className="muted">{intro}</p>}
      {children}
    </form>
  );
}
