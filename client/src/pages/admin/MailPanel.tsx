// E-mail on the wave's admin page: the invitation and reminder texts per language (editable,
// with placeholders), a preview rendered by the server for a real municipality of the wave, a
// test mail to oneself, and the campaigns (send invitations, send a reminder) as jobs with a
// progress bar, pause, resume and cancel. What each campaign did shows on the board below.
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Locale } from '../../api/api';
import { getBoard, type Invitation } from '../../api/admin';
import {
  campaignAction,
  getMailSettings,
  isFinished,
  type Job,
  listCampaigns,
  previewMail,
  saveMailSettings,
  sendTestMail,
  startCampaign,
  type MailKind,
  type MailPreview,
  type MailSettings,
} from '../../api/mail';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Loading } from '../../components/Loading';
import { currentLocale } from '../../i18n';
import { formatDateTime, formatNumber } from '../../lib/format';
import { Segmented } from '../../components/Segmented';
import { SelectField, TextAreaField, TextField } from '../../components/form/Fields';
import { errorText } from './ProblemList';
import { SmallButton } from '../../components/form/Buttons';

const LANGS: Locale[] = ['ru', 'uk', 'en'];
const KINDS: MailKind[] = ['invitation', 'reminder'];
const POLL_MS = 1000;
const oneLine = (text: string) => text.replace(/[\r\n]+/g, ' ');

export function MailPanel({
  code,
  open,
  onSent,
  version = 0,
}: {
  code: string;
  open: boolean;
  onSent: () => void;
  /** Grows when the list of municipalities changed (an import): the preview's list is read again. */
  version?: number;
}) {
  const { t, i18n } = useTranslation();
  const lng = currentLocale(i18n.language);
  const id = useId();
  const [settings, setSettings] = useState<MailSettings | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [kind, setKind] = useState<MailKind>('invitation');
  const [lang, setLang] = useState<Locale>('ru');
  const [dirty, setDirty] = useState(false);
  const [message, setMessage] = useState<{ kind: 'error' | 'success'; text: string } | null>(null);
  const [invitations, setInvitations] = useState<Invitation[]>([]);
  const [previewFor, setPreviewFor] = useState('');
  const [preview, setPreview] = useState<MailPreview | null>(null);
  const [campaigns, setCampaigns] = useState<Job[]>([]);
  const [minDays, setMinDays] = useState(3);
  const [statuses, setStatuses] = useState<{ not_started: boolean; started: boolean }>({
    not_started: true,
    started: true,
  });
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  /** The municipalities (for the preview's choice) and the campaigns, read again. */
  const readLists = useCallback(
    (signal: AbortSignal) => {
      getBoard(code, signal).then(
        (b) => mounted.current && setInvitations(b.invitations),
        () => undefined,
      );
      listCampaigns(code, signal).then(
        (c) => mounted.current && setCampaigns(c),
        () => undefined,
      );
    },
    [code],
  );
  useEffect(() => {
    const controller = new AbortController();
    getMailSettings(code, controller.signal).then(
      (s) => mounted.current && setSettings(s),
      (err: unknown) => mounted.current && setLoadError(err),
    );
    readLists(controller.signal);
    return () => controller.abort();
  }, [code, readLists]);
  useEffect(() => {
    if (version === 0) return;
    const controller = new AbortController();
    readLists(controller.signal);
    return () => controller.abort();
  }, [readLists, version]);

  // Follow the running campaigns; when one ends, the board and the counts are read again.
  const active = campaigns.some((c) => !isFinished(c) && c.state !== 'paused');
  useEffect(() => {
    if (!active) return;
    const controller = new AbortController();
    const timer = setInterval(() => {
      listCampaigns(code, controller.signal).then(
        (c) => {
          if (!mounted.current) return;
          setCampaigns(c);
          if (!c.some((j) => !isFinished(j) && j.state !== 'paused')) {
            onSent();
            getMailSettings(code).then(
              (s) => mounted.current && setSettings((old) => (old ? { ...old, sentToday: s.sentToday } : s)),
              () => undefined,
            );
          }
        },
        () => undefined,
      );
    }, POLL_MS);
    return () => {
      clearInterval(timer);
      controller.abort();
    };
  }, [active, code, onSent]);

  if (loadError !== null) return <ErrorNotice error={loadError} onRetry={() => setLoadError(null)} />;
  if (!settings) return <Loading label={t('mail.loading')} />;
  const template = settings.templates[kind][lang];

  const edit = (patch: Partial<{ subject: string; body: string }>) => {
    setDirty(true);
    setSettings({
      ...settings,
      templates: {
        ...settings.templates,
        [kind]: { ...settings.templates[kind], [lang]: { ...template, ...patch } },
      },
    });
  };
  const editSettings = (patch: Partial<Pick<MailSettings, 'contact' | 'dailyCap'>>) => {
    setDirty(true);
    setSettings({ ...settings, ...patch });
  };
  /** The subject or the contact: one line (line breaks typed or pasted become spaces). */
  const lineField = (name: 'subject' | 'contact', value: string, maxLength: number, onValue: (v: string) => void) => (
    <TextField
      id={`${id}-${name}`}
      label={t(`mail.${name}`)}
      value={value}
      maxLength={maxLength}
      onChange={(e) => onValue(oneLine(e.target.value))}
    />
  );
  /** The kind or the language of the texts shown; another one drops the preview of the former. */
  const choice = <T extends string>(
    legend: string,
    options: readonly T[],
    value: T,
    setter: (v: T) => void,
    label: (o: T) => string,
  ) => (
    <Segmented
      legend={legend}
      options={options}
      value={value}
      onChange={(v) => {
        setter(v);
        setPreview(null);
      }}
      label={label}
    />
  );
  const fail = (err: unknown) => mounted.current && setMessage({ kind: 'error', text: errorText(t, err) });

  const save = () => {
    setMessage(null);
    saveMailSettings(code, {
      templates: settings.templates,
      contact: settings.contact,
      dailyCap: settings.dailyCap,
    }).then((s) => {
      if (!mounted.current) return;
      setSettings(s);
      setDirty(false);
      setMessage({ kind: 'success', text: t('mail.saved') });
    }, fail);
  };
  const showPreview = () => {
    setMessage(null);
    previewMail(code, {
      kind,
      language: lang,
      template,
      contact: settings.contact,
      ...(previewFor ? { municipalityId: previewFor } : {}),
    }).then((p) => mounted.current && setPreview(p), fail);
  };
  const test = () => {
    setMessage(null);
    sendTestMail(code, { kind, language: lang, template, contact: settings.contact }).then(
      (r) => mounted.current && setMessage({ kind: 'success', text: t('mail.testSent', { to: r.to }) }),
      fail,
    );
  };
  const send = (what: MailKind) => {
    const question = what === 'invitation' ? t('mail.confirmInvitations') : t('mail.confirmReminder');
    if (dirty && !window.confirm(t('mail.unsaved'))) return;
    if (!window.confirm(question)) return;
    setMessage(null);
    const body =
      what === 'invitation'
        ? { kind: what }
        : {
            kind: what,
            minDaysSinceLastMail: minDays,
            statuses: (['not_started', 'started'] as const).filter((s) => statuses[s]),
          };
    startCampaign(code, body).then((job) => mounted.current && setCampaigns((c) => [job, ...c]), fail);
  };
  const act = (job: Job, action: 'pause' | 'resume' | 'cancel') => {
    if (action === 'cancel' && !window.confirm(t('mail.confirmCancel'))) return;
    campaignAction(code, job.id, action).then(
      (j) => mounted.current && setCampaigns((c) => c.map((x) => (x.id === j.id ? j : x))),
      fail,
    );
  };

  return (
    <section className="admin-section" aria-labelledby={`${id}-h`} data-testid="mail-panel">
      <h2 id={`${id}-h`}>{t('mail.title')}</h2>
      <p className="muted" data-testid="mail-transport">
        {settings.transport === 'catcher' && (
          <>
            {t('mail.transport.catcher')} <Link to="/dev/mail">{t('mail.inboxLink')}</Link>
          </>
        )}
        {settings.transport === 'smtp' && t('mail.transport.smtp', { from: settings.from })}
        {settings.transport === 'off' && t('mail.transport.off')}
      </p>

      <div className="admin-columns">
        <section className="card mail-card" aria-labelledby={`${id}-tpl`} data-testid="mail-editor">
          <h3 id={`${id}-tpl`}>{t('mail.templates')}</h3>
          {choice(t('mail.kind'), KINDS, kind, setKind, (k) => t(`mail.kinds.${k}`))}
          {choice(t('mail.language'), LANGS, lang, setLang, (l) => t(`mail.languages.${l}`))}
          {lineField('subject', template.subject, 250, (subject) => edit({ subject }))}
          <TextAreaField
            id={`${id}-body`}
            label={t('mail.body')}
            rows={12}
            value={template.body}
            onChange={(e) => edit({ body: e.target.value })}
            hintClass="muted small"
            hint={
              <>
                {t('mail.placeholders')}{' '}
                {settings.placeholders.map((p) => (
                  <code key={p} className="placeholder-code">{`{{${p}}}`}</code>
                ))}
                . {t('mail.footerNote')}
              </>
            }
          />
          {lineField('contact', settings.contact, 300, (contact) => editSettings({ contact }))}
          <TextField
            id={`${id}-cap`}
            label={t('mail.dailyCap')}
            type="number"
            min={1}
            value={settings.dailyCap}
            onChange={(e) => editSettings({ dailyCap: Math.max(1, Math.floor(Number(e.target.value) || 1)) })}
            after={
              <p className="muted small" data-testid="mail-sent-today">
                {t('mail.sentToday', {
                  sent: formatNumber(settings.sentToday, lng),
                  cap: formatNumber(settings.dailyCap, lng),
                })}
              </p>
            }
          />
          <div className="form-actions">
            <button type="button" className="button" onClick={save}>
              {t('mail.save')}
            </button>
            <button
              type="button"
              className="button button--secondary"
              onClick={test}
              disabled={settings.transport === 'off'}
            >
              {t('mail.test')}
            </button>
          </div>
        </section>

        <section className="card mail-card" aria-labelledby={`${id}-pv`} data-testid="mail-preview">
          <h3 id={`${id}-pv`}>{t('mail.preview')}</h3>
          <SelectField
            id={`${id}-for`}
            label={t('mail.previewFor')}
            className="mail-select"
            value={previewFor}
            onChange={(e) => setPreviewFor(e.target.value)}
            empty={t('mail.previewFirst')}
            choices={invitations.map((i) => ({ value: i.id, label: i.municipality.name }))}
          />
          <div className="form-actions">
            <button type="button" className="button button--secondary" onClick={showPreview}>
              {t('mail.showPreview')}
            </button>
          </div>
          {preview && (
            <div className="mail-preview" data-testid="mail-preview-result">
              <dl className="mail-meta">
                <dt>{t('mail.to')}</dt>
                <dd>
                  {preview.municipality} &lt;{preview.to}&gt;
                </dd>
                <dt>{t('mail.subject')}</dt>
                <dd data-testid="mail-preview-subject">{preview.subject}</dd>
              </dl>
              <iframe className="mail-frame" title={t('mail.htmlPart')} sandbox="" srcDoc={preview.html} />
              <details>
                <summary>{t('mail.textPart')}</summary>
                <pre className="mail-text">{preview.text}</pre>
              </details>
            </div>
          )}
        </section>
      </div>

      <div role="status" data-testid="mail-message">
        {message && (
          <p className={`notice ${message.kind === 'error' ? 'notice--error' : 'notice--success'}`}>{message.text}</p>
        )}
      </div>

      <section className="card" aria-labelledby={`${id}-send`} data-testid="mail-campaigns">
        <h3 id={`${id}-send`}>{t('mail.campaigns')}</h3>
        {!open && <p className="muted">{t('mail.onlyOpen')}</p>}
        <div className="mail-send">
          <div>
            <button
              type="button"
              className="button"
              disabled={!open || settings.transport === 'off' || active}
              onClick={() => send('invitation')}
            >
              {t('mail.sendInvitations')}
            </button>
            <p className="muted small">{t('mail.sendInvitationsHelp')}</p>
          </div>
          <fieldset className="mail-reminder">
            <legend>{t('mail.reminder')}</legend>
            {(['not_started', 'started'] as const).map((s) => (
              <label key={s}>
                <input
                  type="checkbox"
                  checked={statuses[s]}
                  onChange={(e) => setStatuses({ ...statuses, [s]: e.target.checked })}
                />{' '}
                {t(`admin.board.status.${s}`)}
              </label>
            ))}
            <TextField
              frame="field field--inline"
              id={`${id}-days`}
              label={t('mail.minDays')}
              type="number"
              min={0}
              max={365}
              value={minDays}
              onChange={(e) => setMinDays(Math.max(0, Math.min(365, Number(e.target.value) || 0)))}
            />
            <button
              type="button"
              className="button"
              disabled={!open || settings.transport === 'off' || active || (!statuses.not_started && !statuses.started)}
              onClick={() => send('reminder')}
            >
              {t('mail.sendReminder')}
            </button>
          </fieldset>
        </div>
        {campaigns.length > 0 && (
          <ul className="export-progress" data-testid="campaign-list">
            {campaigns.slice(0, 5).map((c) => (
              <CampaignItem key={c.id} job={c} onAction={(a) => act(c, a)} />
            ))}
          </ul>
        )}
      </section>
    </section>
  );
}

function CampaignItem({ job, onAction }: { job: Job; onAction: (a: 'pause' | 'resume' | 'cancel') => void }) {
  const { t, i18n } = useTranslation();
  const lng = currentLocale(i18n.language);
  const r = job.kind === 'mail.campaign' ? job.result : null;
  const kind: MailKind = job.kind === 'mail.campaign' ? job.summary.mail : 'invitation';
  return (
    <li className="export-progress__item" data-testid="campaign" data-state={job.state}>
      <p className="export-progress__head">
        <strong>{t(`mail.campaignKind.${kind}`)}</strong>{' '}
        <span>
          {t(`mail.state.${job.state}`)} · {formatDateTime(job.createdAt, lng)}
        </span>
      </p>
      {!isFinished(job) && (
        <progress
          max={job.rowsTotal ?? 1}
          value={job.rowsTotal ? job.rowsDone : undefined}
          aria-label={t('mail.progress', { done: job.rowsDone, total: job.rowsTotal ?? '?' })}
        />
      )}
      {r && (
        <p className="export-progress__figures" data-testid="campaign-result">
          {t('mail.result', { sent: r.sent, failed: r.failed, skipped: r.skipped })}
          {r.uncertain > 0 && ` ${t('mail.resultUncertain', { n: r.uncertain })}`}
          {r.capped > 0 && ` ${t('mail.resultCapped', { n: r.capped })}`}
        </p>
      )}
      {job.error && <p className="notice notice--error">{job.error}</p>}
      <div className="form-actions">
        {(job.state === 'queued' || job.state === 'running') && (
          <SmallButton secondary onClick={() => onAction('pause')}>
            {t('mail.pause')}
          </SmallButton>
        )}
        {job.state === 'paused' && <SmallButton onClick={() => onAction('resume')}>{t('mail.resume')}</SmallButton>}
        {!isFinished(job) && (
          <SmallButton secondary onClick={() => onAction('cancel')}>
            {t('mail.cancel')}
          </SmallButton>
        )}
      </div>
    </li>
  );
}
