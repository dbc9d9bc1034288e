// The coordinator's control of a wave's published results: publish at /p/<wave> with a public k,
// change k, unpublish. The server records each change in the audit log.
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { getPublication, publishWave, unpublishWave } from '../../api/monitor';
import { ErrorNotice } from '../../components/ErrorNotice';
import { formatDateTime } from '../../lib/format';
import { useRequest } from '../../lib/useRequest';
import { useLocale } from '../analysis/common';

export function PublishPanel({ code }: { code: string }) {
  const { t } = useTranslation();
  const lng = useLocale();
  const state = useRequest((signal) => getPublication(code, signal), code);
  const [k, setK] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const kId = useId();
  const hId = useId();
  const run = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      state.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const p = state.status === 'ok' ? state.data : null;
  const kValue = k ?? p?.k ?? 5;
  return (
    <section className="card" aria-labelledby={hId} data-testid="publish-panel">
      <h2 id={hId}>{t('monitor.publish.title')}</h2>
      <p>{t('monitor.publish.help')}</p>
      {p && (
        <p data-testid="publish-status">
          {p.published
            ? t('monitor.publish.published', {
                at: formatDateTime(p.publishedAt, lng),
                asOf: formatDateTime(p.dataAsOf, lng),
              })
            : t('monitor.publish.notPublished')}{' '}
          {p.published && (
            <Link to={p.path} data-testid="publish-link">
              {t('monitor.publish.open')}
            </Link>
          )}
        </p>
      )}
      <div className="analysis-filter">
        <label htmlFor={kId}>{t('monitor.publish.k')}</label>
        <input
          id={kId}
          type="number"
          min={2}
          max={50}
          value={kValue}
          onChange={(e) => setK(Number(e.target.value))}
          data-testid="publish-k"
        />
      </div>
      <div className="button-row">
        <button
          type="button"
          className="button"
          disabled={busy}
          onClick={() => void run(() => publishWave(code, kValue))}
          data-testid="publish-button"
        >
          {p?.published ? t('monitor.publish.update') : t('monitor.publish.publish')}
        </button>
        {p?.published && (
          <button
            type="button"
            className="button button--secondary"
            disabled={busy}
            onClick={() => void run(() => unpublishWave(code))}
            data-testid="unpublish-button"
          >
            {t('monitor.publish.unpublish')}
          </button>
        )}
      </div>
      {error !== null && <ErrorNotice error={error} title={null} />}
    </section>
  );
}
