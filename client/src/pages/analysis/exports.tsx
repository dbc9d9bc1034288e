// Export buttons that start a job on the server instead of holding a request open: the file is
// made in the background, its progress shown (rows, percent, time left), then downloaded. The
// wave's recent exports are listed with who started them and when; a running one can be cancelled.
import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { apiErrorMessageKey, type Locale } from '../../api/api';
import { cancelJob, exportJobOf, getJob, isFinished, listWaveJobs, startExportJob, type Job } from '../../api/jobs';
import { formatDateTime, formatNumber } from '../../lib/format';
import { currentLocale } from '../../i18n';
import { TableHead } from '../../components/TableHead';

const POLL_MS = 700;

type Followed = { job: Job; firstSeen?: { at: number; rows: number }; downloaded?: boolean };

type ExportJobsApi = { start: (href: string, label: string) => void };
const ExportJobsContext = createContext<ExportJobsApi | null>(null);

export function useExportJobs(): ExportJobsApi | null {
  return useContext(ExportJobsContext);
}

function download(url: string) {
  const a = document.createElement('a');
  a.href = url;
  a.download = '';
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
}

/** Seconds left from the rate seen since the job was first seen running here; null while unknown. */
function secondsLeft(f: Followed): number | null {
  const { job, firstSeen } = f;
  if (!firstSeen || !job.rowsTotal || job.rowsDone <= firstSeen.rows) return null;
  const rate = (job.rowsDone - firstSeen.rows) / ((Date.now() - firstSeen.at) / 1000);
  return rate > 0 ? Math.max(1, Math.round((job.rowsTotal - job.rowsDone) / rate)) : null;
}

export function ExportJobsProvider({ code, children }: { code?: string; children: ReactNode }) {
  const { t } = useTranslation();
  const [followed, setFollowed] = useState<Record<string, Followed>>({});
  const [labels, setLabels] = useState<Record<string, string>>({});
  const [waveCode, setWaveCode] = useState(code);
  const [recent, setRecent] = useState<Job[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const mounted = useRef(true);

  const refresh = useCallback(
    (c = waveCode) => {
      if (!c) return;
      listWaveJobs(c)
        .then((items) => mounted.current && setRecent(items))
        .catch(() => undefined);
    },
    [waveCode],
  );

  useEffect(() => {
    mounted.current = true;
    refresh();
    return () => {
      mounted.current = false;
    };
  }, [refresh]);

  const active = Object.values(followed).filter((f) => !isFinished(f.job));
  const activeIds = active.map((f) => f.job.id).join(',');

  useEffect(() => {
    if (!activeIds) return;
    const timer = setInterval(() => {
      for (const id of activeIds.split(',')) {
        getJob(id)
          .then((job) => {
            if (!mounted.current) return;
            setFollowed((prev) => {
              const old = prev[id];
              const firstSeen =
                old?.firstSeen ?? (job.state === 'running' ? { at: Date.now(), rows: job.rowsDone } : undefined);
              return { ...prev, [id]: { ...old, job, firstSeen } };
            });
            if (isFinished(job)) {
              if (job.state === 'done' && job.file) download(job.file.url);
              refresh();
            }
          })
          .catch(() => undefined);
      }
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [activeIds, refresh]);

  const start = useCallback(
    (href: string, label: string) => {
      const target = exportJobOf(href);
      if (!target) return;
      setError(null);
      setWaveCode((c) => c ?? target.code);
      startExportJob(target.code, target.body)
        .then((job) => {
          if (!mounted.current) return;
          setLabels((l) => ({ ...l, [job.id]: label }));
          setFollowed((prev) => ({ ...prev, [job.id]: { job } }));
          refresh(target.code);
        })
        .catch((err: unknown) => mounted.current && setError(t(apiErrorMessageKey(err))));
    },
    [refresh, t],
  );

  const cancel = (id: string) => {
    cancelJob(id)
      .then((job) => {
        setFollowed((prev) => ({ ...prev, [id]: { ...prev[id], job } }));
        refresh();
      })
      .catch((err: unknown) => setError(t(apiErrorMessageKey(err))));
  };

  const shown = Object.values(followed).sort((a, b) => b.job.createdAt.localeCompare(a.job.createdAt));
  return (
    <ExportJobsContext.Provider value={{ start }}>
      {children}
      {error && (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      )}
      {shown.length > 0 && (
        <ul className="export-progress" aria-live="polite" data-testid="export-progress">
          {shown.map((f) => (
            <ProgressLine key={f.job.id} f={f} label={labels[f.job.id]} onCancel={() => cancel(f.job.id)} />
          ))}
        </ul>
      )}
      {recent && recent.length > 0 && <RecentExports jobs={recent} />}
    </ExportJobsContext.Provider>
  );
}

/** What a job without a file is called in the list: its file name, or its kind. */
function jobLabel(j: Job, t: TFunction): string {
  if (j.kind === 'export') return j.summary.file;
  if (j.kind === 'crosstab') return t('crosstabJob.kind', { row: j.summary.row, col: j.summary.col });
  return t(`analysis.jobs.kind.${j.kind}`);
}

function ProgressLine({ f, label, onCancel }: { f: Followed; label?: string; onCancel: () => void }) {
  const { t } = useTranslation();
  const lng = currentLocale() as Locale;
  const { job } = f;
  const name = label ?? job.file?.name ?? (job.kind === 'export' ? job.summary.file : '');
  const left = job.state === 'running' ? secondsLeft(f) : null;
  const rows =
    job.rowsTotal !== null
      ? t('analysis.jobs.rows', { done: formatNumber(job.rowsDone, lng), total: formatNumber(job.rowsTotal, lng) })
      : job.rowsDone > 0
        ? t('analysis.jobs.rowsSoFar', { done: formatNumber(job.rowsDone, lng) })
        : '';
  return (
    <li className={`export-progress__item export-progress__item--${job.state}`} data-state={job.state}>
      <div className="export-progress__head">
        <strong>{name}</strong> <span>{t(`analysis.jobs.state.${job.state}`)}</span>
      </div>
      {!isFinished(job) && (
        <>
          <progress
            max={100}
            value={job.percent ?? undefined}
            aria-label={t('analysis.jobs.progressLabel', { name })}
            data-testid="export-progress-bar"
          />
          <div className="export-progress__figures">
            {[
              job.percent !== null ? `${formatNumber(job.percent, lng)} %` : '',
              rows,
              left === null
                ? ''
                : left >= 90
                  ? t('analysis.jobs.minutesLeft', { n: Math.round(left / 60) })
                  : t('analysis.jobs.secondsLeft', { n: left }),
            ]
              .filter(Boolean)
              .join(' · ')}
          </div>
          <button type="button" className="button button--small" onClick={onCancel}>
            {t('analysis.jobs.cancel')}
          </button>
        </>
      )}
      {job.state === 'done' && job.file && (
        <p>
          {t('analysis.jobs.ready')}{' '}
          <a href={job.file.url} download data-testid="export-file-link">
            {t('analysis.jobs.downloadAgain')}
          </a>
        </p>
      )}
      {job.state === 'failed' && <p className="notice notice--error">{job.error ?? t('errors.generic')}</p>}
    </li>
  );
}

function RecentExports({ jobs }: { jobs: Job[] }) {
  const { t } = useTranslation();
  const lng = currentLocale() as Locale;
  return (
    <details className="recent-exports" open data-testid="recent-exports">
      <summary>{t('analysis.jobs.recent')}</summary>
      <table className="table table--compact">
        <TableHead
          columns={[
            t('analysis.jobs.file'),
            t('analysis.jobs.who'),
            t('analysis.jobs.when'),
            t('analysis.jobs.stateColumn'),
          ]}
        />
        <tbody>
          {jobs.map((j) => (
            <tr key={j.id} data-state={j.state}>
              <td>
                {j.file ? (
                  <a href={j.file.url} download>
                    {j.file.name}
                  </a>
                ) : (
                  jobLabel(j, t)
                )}
              </td>
              <td>{j.createdBy}</td>
              <td>{formatDateTime(j.createdAt, lng)}</td>
              <td>
                {j.fileExpired ? t('analysis.jobs.expired') : t(`analysis.jobs.state.${j.state}`)}
                {j.state === 'running' && j.percent !== null ? ` (${formatNumber(j.percent, lng)} %)` : ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
