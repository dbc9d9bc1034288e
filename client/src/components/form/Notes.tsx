import type { ReactNode } from 'react';

/** What a form did (a status line). */
export function DoneNote({ testId, children }: { testId?: string; children: ReactNode }) {
  return (
    <p className="notice notice--success" role="status" data-testid={testId}>
      {children}
    </p>
  );
}

/** A form's problem in one line (an alert). */
export function ProblemNote({ testId, children }: { testId?: string; children: ReactNode }) {
  return (
    <p className="notice notice--error" role="alert" data-testid={testId}>
      {children}
    </p>
  );
}
