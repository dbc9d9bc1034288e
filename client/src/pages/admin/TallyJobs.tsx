// The wave's kept counts on its admin page: start a check (the counts against a recount of the
// raw responses) or a rebuild (admin only) as a job, follow its progress, and show what it found.
// Researchers and admins only: the server's job routes need those roles, so a coordinator without
// them is not shown buttons that would answer 403.
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiErrorMessageKey, type Locale } from '../../api/api';
import { cancelJob, getJob, isFinished, startTallyJob, type Job } from '../../api/jobs';
import { useSession } from '../../lib/session';
import { currentLocale } from '../../i18n';
import { formatNumber } from '../../lib/format';
import { SmallButton } from '../../components/form/Buttons';

const POLL_MS = 700;
type Kind = 'tally.verify' | 'tally.rebuild';

export function TallyJobs({ code }: { code: string }) {
  const { t } = useTranslation();
  const { state } = useSession();
  const id = useId();
  const lng = currentLocale() as Locale;
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState<string | null>(null);
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const running = job !== null && !isFinished(job);
  const jobId = running ? job.id : null;
  useEffect(() => {
    if (!jobId) return;
    const controller = new AbortController();
    const timer = setInterval(() => {
      getJob(jobId, controller.signal)
        .then((j) => mounted.current && setJob(j))
        .catch(() => undefined);
    }, POLL_MS);
    return () => {
      clearInterval(timer);
      controller.abort();
    };
  }, [jobId]);

  const roles = state.status === 'signed-in' ? state.session.user.roles : [];
  const admin = roles.includes('admin');
  if (!admin && !roles.includes('researcher')) return null;

  const start = (kind: Kind) => {
    setError(null);
    startTallyJob(code, kind)
      .then((j) => mounted.current && setJob(j))
      .catch((err: unknown) => mounted.current && setError(t(apiErrorMessageKey(err))));
  };
  const cancel = () => {
    if (!job) return;
    cancelJob(job.id)
      .then((j) => mounted.current && setJob(j))
      .catch((err: unknown) => mounted.current && setError(t(apiErrorMessageKey(err))));
  };

  return (
    <section className="card" aria-labelledby={`${id}-h`} data-testid="tally-jobs">
      <h2 id={`${id}-h`}>{t('tallyJobs.title')}</h2>
      <p className="muted">{t('tallyJobs.intro')}</p>
      <div className="form-actions">
        <button type="button" className="button" disabled={running} onClick={() => start('tally.verify')}>
          {t('tallyJobs.verify')}
        </button>
        {admin && (
          <button
            type="button"
            className="button button--secondary"
            disabled={running}
            onClick={() => start('tally.rebuild')}
          >
            {t('tallyJobs.rebuild')}
          </button>
        )}
      </div>
      {admin && <p className="muted">{t('tallyJobs.rebuildHint')}</p>}
      {error && (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      )}
      {job && (
        <div className="export-progress__item" data-state={job.state} data-testid="tally-job" aria-live="polite">
          <div className="export-progress__head">
            <strong>{t(`tallyJobs.kind.${job.kind as Kind}`)}</strong> <span>{t(`tallyJobs.state.${job.state}`)}</span>
          </div>
          {running && (
            <>
              <progress
                max={100}
                value={job.percent ?? undefined}
                aria-label={t(`tallyJobs.kind.${job.kind as Kind}`)}
                data-testid="tally-progress"
              />
              <div className="export-progress__figures">
                {[
                  job.percent !== null ? `${formatNumber(job.percent, lng)} %` : '',
                  job.rowsTotal !== null
                    ? t('tallyJobs.rows', {
                        done: formatNumber(job.rowsDone, lng),
                        total: formatNumber(job.rowsTotal, lng),
                      })
                    : '',
                ]
                  .filter(Boolean)
                  .join(' · ')}
              </div>
              <SmallButton onClick={cancel}>{t('tallyJobs.cancel')}</SmallButton>
            </>
          )}
          {job.state === 'done' && <TallyResult job={job} lng={lng} />}
          {job.state === 'failed' && <p className="notice notice--error">{job.error ?? t('errors.generic')}</p>}
        </div>
      )}
    </section>
  );
}

function TallyResult({ job, lng }: { job: Job; lng: Locale }) {
  const { t } = useTranslation();
  if (job.kind === 'tally.verify') {
    const regions = job.result?.regions ?? [];
    return job.result?.ok ? (
      <p className="notice notice--success" role="status" data-testid="tally-result">
        {t('tallyJobs.verifyOk', { n: formatNumber(job.rowsDone, lng) })}
      </p>
    ) : (
      <p className="notice notice--error" role="status" data-testid="tally-result">
        {t('tallyJobs.verifyDiffers', { count: regions.length, regions: regions.join(', ') })}
      </p>
    );
  }
  const r = job.kind === 'tally.rebuild' ? job.result : null;
  return (
    <p className="notice notice--success" role="status" data-testid="tally-result">
      {t('tallyJobs.rebuilt', {
        responses: formatNumber(r?.responses ?? 0, lng),
        regions: formatNumber(r?.regions ?? 0, lng),
      })}
    </p>
  );
}
