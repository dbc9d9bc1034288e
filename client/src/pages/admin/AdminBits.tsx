// Pieces several admin pages share: a request's loading line or error, a data table in its
// scroll box, the lists of a questionnaire comparison.
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { QuestionnaireDiff } from '../../api/admin';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Loading } from '../../components/Loading';
import { TableHead, type Column } from '../../components/TableHead';
import { pick } from '../../lib/format';
import type { RequestState } from '../../lib/useRequest';

/** "Loading…" or the request's error (with "Retry"); nothing once it has its data. */
export function Pending({ request }: { request: { status: string; error?: unknown; reload: () => void } }) {
  const { t } = useTranslation();
  if (request.status === 'loading') return <Loading label={t('admin.loading')} />;
  if (request.status === 'error') return <ErrorNotice error={request.error} onRetry={request.reload} />;
  return null;
}

/** A data table with a (hidden) caption and its header, in a box that scrolls sideways. */
export function AdminTable({
  caption,
  columns,
  testId,
  children,
}: {
  caption: string;
  columns: Column[];
  testId?: string;
  children: ReactNode;
}) {
  return (
    <div className="table-scroll">
      <table className="data-table" data-testid={testId}>
        <caption className="visually-hidden">{caption}</caption>
        <TableHead columns={columns} />
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/** A request's list as an AdminTable (a row each), with its loading line, error or "none" line. */
export function AdminList<T>({
  request,
  empty,
  row,
  ...table
}: {
  request: RequestState<T[]> & { reload: () => void };
  /** Said when the list is empty. */
  empty: string;
  row: (item: T) => ReactNode;
  caption: string;
  columns: Column[];
  testId?: string;
}) {
  if (request.status !== 'ok') return <Pending request={request} />;
  if (request.data.length === 0) return <p>{empty}</p>;
  return <AdminTable {...table}>{request.data.map(row)}</AdminTable>;
}

type Diff = Pick<QuestionnaireDiff, 'added' | 'removed' | 'changed' | 'unchanged'>;

/** The questions added, removed and changed between two versions (or a version and a draft). */
export function DiffLists({
  diff,
  lng,
  role,
  testId,
}: {
  diff: Diff;
  lng: 'ru' | 'uk' | 'en';
  role?: 'status';
  testId?: string;
}) {
  const { t } = useTranslation();
  const list = (items: Diff['added'], id: string) =>
    items.length ? (
      <ul className="diff-list" data-testid={id}>
        {items.map((q) => (
          <li key={q.name}>
            <code>{q.name}</code> <span className="muted">({q.type})</span> {pick(q.title, lng)}
          </li>
        ))}
      </ul>
    ) : (
      <p className="muted" data-testid={id}>
        {t('admin.library.nothing')}
      </p>
    );
  return (
    <div className="diff" role={role} data-testid={testId}>
      <h3>{t('admin.library.added')}</h3>
      {list(diff.added, 'diff-added')}
      <h3>{t('admin.library.removed')}</h3>
      {list(diff.removed, 'diff-removed')}
      <h3>{t('admin.library.changed')}</h3>
      {list(diff.changed, 'diff-changed')}
      <p className="muted">{t('admin.library.unchanged', { n: diff.unchanged.length })}</p>
    </div>
  );
}
