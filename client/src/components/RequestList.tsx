import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Request } from './RequestStatus';
import { ErrorNotice } from './ErrorNotice';
import { Loading } from './Loading';
import { TableHead, type Column } from './TableHead';

/**
 * A list's request: a loading line, its error (with "Retry"), what stands for an empty list
 * (nothing unless given), or the list as `children` shows it.
 */
export function RequestList<T>({
  request,
  empty,
  children,
}: {
  request: Request<T[]>;
  empty?: ReactNode;
  children: (items: T[]) => ReactNode;
}) {
  const { t } = useTranslation();
  if (request.status === 'loading') return <Loading label={t('app.loading')} />;
  if (request.status === 'error') return <ErrorNotice error={request.error} onRetry={request.reload} />;
  return request.data.length === 0 && empty !== undefined ? empty : children(request.data);
}

/**
 * A list's request as a table: a header row of `columns`, then a row per item (`children`, with
 * its key); `label` makes the scrolling box a named region one can reach with the keyboard.
 */
export function RequestTable<T>({
  request,
  empty,
  testId,
  className = 'results-table',
  columns,
  label,
  children,
}: {
  request: Request<T[]>;
  empty?: ReactNode;
  testId: string;
  className?: string;
  columns: Column[];
  label?: string;
  children: (item: T) => ReactNode;
}) {
  const region = label ? ({ tabIndex: 0, role: 'region', 'aria-label': label } as const) : {};
  return (
    <RequestList request={request} empty={empty}>
      {(items) => (
        <div className="table-scroll" {...region}>
          <table className={className} data-testid={testId}>
            <TableHead columns={columns} />
            <tbody>{items.map((item) => children(item))}</tbody>
          </table>
        </div>
      )}
    </RequestList>
  );
}
