// /admin/practices — editors' list of every practice (drafts too), import and export, and the
// practice-call waves whose answers become drafts.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { ApiError } from '../../api/api';
import {
  draftsFromCall,
  exportUrl,
  importPractices,
  listCalls,
  listManaged,
  type PracticeStatus,
} from '../../api/practices';
import { ErrorNotice } from '../../components/ErrorNotice';
import { RequestTable } from '../../components/RequestList';
import { PageHeading } from '../../components/PageHeading';
import { fileToBase64 } from '../../lib/file';
import { formatDateTime, pick } from '../../lib/format';
import { useRequest } from '../../lib/useRequest';
import { namer, usePracticeLocale, useVocabulary } from './common';

export default function PracticesAdminPage() {
  const { t } = useTranslation();
  const lng = usePracticeLocale();
  const [params, setParams] = useSearchParams();
  const status = (params.get('status') ?? undefined) as PracticeStatus | undefined;
  const q = params.get('q') ?? undefined;
  const [attempt, setAttempt] = useState(0);
  const list = useRequest((signal) => listManaged({ status, q }, signal), `${status}|${q}|${attempt}`);
  const vocab = useVocabulary();
  const name = namer(vocab.status === 'ok' ? vocab.data : undefined, lng);
  const [text, setText] = useState(q ?? '');
  const reload = () => setAttempt((n) => n + 1);

  return (
    <section className="page page--wide">
      <PageHeading title={t('practices.admin.title')}>{t('practices.admin.title')}</PageHeading>
      <p className="practice-actions">
        <Link className="button button--primary" to="/admin/practices/new" data-testid="new-practice">
          {t('practices.admin.new')}
        </Link>
        {[
          { to: '/practices', label: t('practices.admin.public') },
          { to: '/practices/coverage', label: t('practices.coverage.link') },
        ].map((l) => (
          <Link key={l.to} className="button" to={l.to}>
            {l.label}
          </Link>
        ))}
      </p>
      <form
        className="practice-filters"
        role="search"
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          const next = new URLSearchParams(params);
          if (text.trim()) next.set('q', text.trim());
          else next.delete('q');
          setParams(next);
        }}
      >
        <label className="field">
          <span className="field__label">{t('practices.admin.status')}</span>
          <select
            value={status ?? ''}
            onChange={(e) => {
              const next = new URLSearchParams(params);
              if (e.target.value) next.set('status', e.target.value);
              else next.delete('status');
              setParams(next);
            }}
            data-testid="status-filter"
          >
            <option value="">{t('practices.any')}</option>
            <option value="draft">{t('practices.status.draft')}</option>
            <option value="published">{t('practices.status.published')}</option>
          </select>
        </label>
        <label className="field">
          <span className="field__label">{t('practices.search')}</span>
          <input type="search" value={text} onChange={(e) => setText(e.target.value)} maxLength={200} />
        </label>
        <button type="submit" className="button">
          {t('practices.find')}
        </button>
      </form>
      <RequestTable
        request={list}
        empty={<p className="notice">{t('practices.none')}</p>}
        testId="admin-practices"
        columns={[
          t('practices.f.title'),
          t('practices.admin.status'),
          t('practices.f.obstacles'),
          t('practices.admin.updated'),
        ]}
      >
        {(p) => (
          <tr key={p.id}>
            <th scope="row">
              <Link to={`/admin/practices/${encodeURIComponent(p.id)}`}>{p.title}</Link>
            </th>
            <td>
              <span className={`badge badge--${p.status === 'published' ? 'open' : 'draft'}`}>
                {t(`practices.status.${p.status}`)}
              </span>
            </td>
            <td>{p.obstacles.map(name.obstacle).join('; ')}</td>
            <td>{formatDateTime(p.updatedAt, lng)}</td>
          </tr>
        )}
      </RequestTable>
      <ImportForm onImported={reload} />
      <section className="card">
        <h2>{t('practices.admin.export')}</h2>
        <p className="practice-actions">
          {(['csv', 'xlsx', 'json'] as const).map((f) => (
            <a key={f} className="button button--small" href={exportUrl(f)} download>
              {f.toUpperCase()}
            </a>
          ))}
        </p>
      </section>
      <Calls onDone={reload} lng={lng} />
    </section>
  );
}

function ImportForm({ onImported }: { onImported: () => void }) {
  const { t } = useTranslation();
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<number | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const xlsx = /\.xlsx$/i.test(file.name);
      const res = await importPractices(xlsx ? 'xlsx' : 'csv', xlsx ? await fileToBase64(file) : await file.text());
      setDone(res.imported);
      onImported();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const problems = error instanceof ApiError && error.status === 422 ? error.invalidParams : [];
  return (
    <form className="card" onSubmit={(e) => void submit(e)}>
      <h2>{t('practices.admin.import')}</h2>
      <p className="muted">{t('practices.admin.importHelp')}</p>
      <label className="field">
        <span className="field__label">{t('practices.admin.file')}</span>
        <input
          type="file"
          accept=".csv,.xlsx,text/csv"
          data-testid="import-file"
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
        />
      </label>
      {problems.length > 0 ? (
        <div className="notice notice--error" role="alert" data-testid="import-problems">
          <p className="notice__title">{t('practices.admin.importRefused', { count: problems.length })}</p>
          <ul>
            {problems.map((p, i) => {
              const m = /^line (\d+)(?:\.(.+))?$/.exec(p.name);
              return (
                <li key={i}>
                  <strong>{m ? t('practices.admin.at', { line: m[1], column: m[2] ?? '—' }) : p.name}</strong>:{' '}
                  {p.reason}
                </li>
              );
            })}
          </ul>
        </div>
      ) : (
        error !== null && <ErrorNotice error={error} />
      )}
      {done !== null && (
        <p className="notice notice--success" role="status" data-testid="import-done">
          {t('practices.admin.imported', { count: done })}
        </p>
      )}
      <p>
        <button type="submit" className="button" disabled={busy || !file}>
          {t('practices.admin.importButton')}
        </button>
      </p>
    </form>
  );
}

function Calls({ onDone, lng }: { onDone: () => void; lng: 'ru' | 'uk' | 'en' }) {
  const { t } = useTranslation();
  const calls = useRequest(listCalls, 'practice-calls');
  const [result, setResult] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  return (
    <section className="card" data-testid="practice-calls">
      <h2>{t('practices.admin.calls')}</h2>
      <p className="muted">{t('practices.admin.callsHelp')}</p>
      {calls.status === 'ok' && calls.data.length === 0 && <p>{t('practices.admin.noCalls')}</p>}
      {calls.status === 'ok' && calls.data.length > 0 && (
        <ul>
          {calls.data.map((w) => (
            <li key={w.code} className="practice-actions">
              <span>
                {pick(w.title, lng) || w.code} <span className="muted">({w.code})</span>
              </span>
              <button
                type="button"
                className="button button--small"
                data-testid={`collect-${w.code}`}
                onClick={() => {
                  setError(null);
                  draftsFromCall(w.code).then((r) => {
                    setResult(t('practices.admin.collected', { created: r.created, existing: r.existing }));
                    onDone();
                  }, setError);
                }}
              >
                {t('practices.admin.collect')}
              </button>
            </li>
          ))}
        </ul>
      )}
      {result && (
        <p className="notice notice--success" role="status" data-testid="collected">
          {result}
        </p>
      )}
      {error !== null && <ErrorNotice error={error} />}
    </section>
  );
}
