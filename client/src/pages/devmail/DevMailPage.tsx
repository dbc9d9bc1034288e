// /dev/mail — the local mail catcher's inbox (only when no SMTP server is configured): every mail
// the app would have sent, as the recipient would see it (the HTML part in a sandboxed frame,
// the plain-text part below). Coordinators only.
import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isAbortError } from '../../api/api';
import { clearCaughtMail, listCaughtMail, type CaughtMail } from '../../api/mail';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Loading } from '../../components/Loading';
import { PageHeading } from '../../components/PageHeading';
import { currentLocale } from '../../i18n';
import { formatDateTime } from '../../lib/format';
import { AdminNav } from '../admin/AdminNav';

export default function DevMailPage() {
  const { t, i18n } = useTranslation();
  const lng = currentLocale(i18n.language);
  const id = useId();
  const [mails, setMails] = useState<CaughtMail[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    listCaughtMail(controller.signal).then(
      (m) => {
        setMails(m);
        setError(null);
      },
      (err: unknown) => !isAbortError(err) && setError(err),
    );
    const timer = setTimeout(() => setTick((n) => n + 1), 5000);
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [tick]);
  const current = mails?.find((m) => m.id === selected) ?? mails?.[0] ?? null;

  return (
    <section className="page admin-page">
      <AdminNav />
      <div className="page-head">
        <PageHeading title={t('devMail.title')}>{t('devMail.title')}</PageHeading>
        <button type="button" className="button button--small button--secondary" onClick={() => setTick((n) => n + 1)}>
          {t('devMail.refresh')}
        </button>
        <button
          type="button"
          className="button button--small button--secondary"
          onClick={() => {
            if (!window.confirm(t('devMail.confirmClear'))) return;
            clearCaughtMail().then(() => setTick((n) => n + 1), setError);
          }}
        >
          {t('devMail.clear')}
        </button>
      </div>
      <p className="muted">{t('devMail.intro')}</p>
      {error !== null && <ErrorNotice error={error} onRetry={() => setTick((n) => n + 1)} />}
      {mails === null && error === null && <Loading label={t('devMail.loading')} />}
      {mails && mails.length === 0 && <p data-testid="inbox-empty">{t('devMail.empty')}</p>}
      {mails && mails.length > 0 && (
        <div className="inbox">
          <nav aria-label={t('devMail.list', { count: mails.length })}>
            <p className="muted small" aria-live="polite">
              {t('devMail.list', { count: mails.length })}
            </p>
            <ul className="inbox__list" data-testid="inbox-list">
              {mails.map((m) => (
                <li key={m.id}>
                  <button
                    type="button"
                    className={`inbox__item${current?.id === m.id ? ' inbox__item--current' : ''}`}
                    aria-current={current?.id === m.id ? 'true' : undefined}
                    onClick={() => setSelected(m.id)}
                    data-testid="inbox-item"
                  >
                    <span className="inbox__to">{m.to.join(', ')}</span>
                    <span className="inbox__subject">{m.subject}</span>
                    <span className="muted small">{formatDateTime(m.receivedAt, lng)}</span>
                  </button>
                </li>
              ))}
            </ul>
          </nav>
          {current && (
            <article className="card inbox__mail" aria-labelledby={`${id}-subj`} data-testid="inbox-mail">
              <h2 id={`${id}-subj`}>{current.subject}</h2>
              <dl className="mail-meta">
                <dt>{t('devMail.from')}</dt>
                <dd>{current.from}</dd>
                <dt>{t('devMail.to')}</dt>
                <dd>{current.to.join(', ')}</dd>
                <dt>{t('devMail.date')}</dt>
                <dd>{formatDateTime(current.receivedAt, lng)}</dd>
                {current.headers['list-unsubscribe'] && (
                  <>
                    <dt>List-Unsubscribe</dt>
                    <dd className="small">{current.headers['list-unsubscribe']}</dd>
                  </>
                )}
              </dl>
              {current.html && (
                <iframe className="mail-frame" title={t('devMail.htmlPart')} sandbox="" srcDoc={current.html} />
              )}
              <details open={!current.html}>
                <summary>{t('devMail.textPart')}</summary>
                <pre className="mail-text" data-testid="inbox-text">
                  {current.text}
                </pre>
              </details>
            </article>
          )}
        </div>
      )}
    </section>
  );
}
