import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { Link, useParams } from 'react-router';
import { ApiError, listMunicipalityTypes, listRegions } from '../../api/api';
import {
  changeWaveStatus,
  cloneWave,
  downloadLinks,
  getWaveAdmin,
  importInvitations,
  importTemplateUrl,
  listQuestionnaires,
  updateWave,
  type WaveUpdate,
  type ImportResult,
  type LifecycleAction,
  type WaveAdmin,
} from '../../api/admin';
import { ErrorNotice, isRetryable } from '../../components/ErrorNotice';
import { Loading } from '../../components/Loading';
import { PageHeading } from '../../components/PageHeading';
import { currentLocale } from '../../i18n';
import { formatDate, formatDateTime, pick } from '../../lib/format';
import { useRequest } from '../../lib/useRequest';
import { AdminNav } from './AdminNav';
import { ResponseBoard } from './ResponseBoard';
import { MailPanel } from './MailPanel';
import { TallyJobs } from './TallyJobs';
import { MinCellForm } from './MinCellForm';
import { PublishPanel } from '../monitor/PublishPanel';
import { dateInputToIso } from './dates';
import ru from '../../i18n/locales/ru';
import { errorText, ProblemList, type CodeNames } from './ProblemList';
import { waveToForm, WaveFields, type WaveFieldGroup, type WaveForm } from './WaveFields';

/** Every lifecycle action (names for the history); which the wave allows now comes from the server. */
const LIFECYCLE_ACTIONS: readonly string[] = ['open', 'close', 'reopen', 'archive'] satisfies LifecycleAction[];

/** /admin/waves/:code — the wave's settings and lifecycle, its invitations and response rate. */
export default function WavePage() {
  const { code = '' } = useParams();
  const { t, i18n } = useTranslation();
  const lng = currentLocale(i18n.language);
  const [version, setVersion] = useState(0);
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState(false);
  const [boardVersion, setBoardVersion] = useState(0);
  const bumpBoard = useCallback(() => setBoardVersion((v) => v + 1), []);
  const wave = useRequest((signal) => getWaveAdmin(code, signal), `${code}#${version}`);

  if (wave.status === 'loading') return <Loading label={t('admin.wave.loading')} />;
  if (wave.status === 'error') {
    return (
      <section className="page admin-page">
        <AdminNav />
        <ErrorNotice error={wave.error} onRetry={isRetryable(wave.error) ? wave.reload : undefined} />
      </section>
    );
  }
  const w = wave.data;
  const title = pick(w.title, lng) || w.code;
  const reload = () => setVersion((v) => v + 1);

  return (
    <section className="page admin-page">
      <AdminNav />
      <div className="page-head">
        <PageHeading title={title}>{title}</PageHeading>
        <span className={`status status--${w.status}`} data-testid="wave-status">
          {t(`waves.status.${w.status}`)}
        </span>
        {!editing && w.status !== 'archived' && (
          <button
            type="button"
            className="button button--secondary"
            onClick={() => {
              setSaved(false);
              setEditing(true);
            }}
          >
            {t('admin.wave.edit')}
          </button>
        )}
      </div>
      {saved && !editing && (
        <p className="notice notice--success" role="status" data-testid="wave-saved">
          {t('admin.wave.editSaved')}
        </p>
      )}
      {w.status === 'archived' && <p className="muted">{t('admin.wave.locked.archived')}</p>}
      {editing && (
        <WaveEditForm
          wave={w}
          onCancel={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            setSaved(true);
            reload();
          }}
        />
      )}
      <div className="admin-columns">
        <WaveSummary wave={w} />
        <Lifecycle
          wave={w}
          onChanged={() => {
            setEditing(false);
            setSaved(false);
            reload();
          }}
        />
      </div>
      {w.access === 'invitation' && (
        <section className="admin-section" aria-labelledby="invitations-h">
          <h2 id="invitations-h">{t('admin.invitations.title')}</h2>
          <div className="admin-columns">
            <ImportForm code={w.code} onImported={bumpBoard} />
            <LinksForm code={w.code} />
          </div>
        </section>
      )}
      {w.access === 'invitation' && (
        <MailPanel code={w.code} open={w.status === 'open'} onSent={bumpBoard} version={boardVersion} />
      )}
      <ResponseBoard code={w.code} version={boardVersion} onCampaign={bumpBoard} />
      <MinCellForm code={w.code} />
      <TallyJobs code={w.code} />
      <PublishPanel code={w.code} />
      <div className="admin-columns">
        <CloneForm wave={w} />
        <section className="card" aria-labelledby="history-h">
          <h2 id="history-h">{t('admin.wave.history')}</h2>
          <ol className="history" data-testid="wave-history">
            {[...w.history].reverse().map((h, i) => (
              <li key={i}>
                {t('admin.wave.historyItem', {
                  date: formatDateTime(h.at, lng),
                  who: h.by,
                  action: historyAction(t, h),
                })}
              </li>
            ))}
          </ol>
        </section>
      </div>
    </section>
  );
}

function historyAction(t: TFunction, h: WaveAdmin['history'][number]): string {
  if (h.action === 'create' || h.action === 'update' || h.action === 'clone') {
    const what = t(`admin.wave.historyAction.${h.action}`, { from: h.from ?? '' });
    return h.fields?.length ? `${what} (${fieldNames(t, h.fields)})` : what;
  }
  // Said as what happened ("survey opened"), like "created" and "changed", not as the button's verb.
  const label = LIFECYCLE_ACTIONS.includes(h.action)
    ? t(`admin.wave.historyLifecycle.${h.action as LifecycleAction}`)
    : h.action;
  return h.fields?.length ? `${label} (${fieldNames(t, h.fields)})` : label;
}

function fieldNames(t: TFunction, fields: string[]): string {
  return fields
    .map((f) => (has(ru.admin.field, f) ? t(`admin.field.${f as keyof typeof ru.admin.field}`) : f))
    .join(', ');
}

const has = <T extends object>(o: T, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** The changed, editable fields of the form as a PATCH body (unchanged fields are not sent). */
function patchOf(w: WaveAdmin, before: WaveForm, form: WaveForm): WaveUpdate {
  const may = (f: WaveFieldGroup) => w.editableFields.includes(f);
  const body: WaveUpdate = {};
  if (
    may('title') &&
    (form.titleRu !== before.titleRu || form.titleUk !== before.titleUk || form.titleEn !== before.titleEn)
  )
    body.title = { ru: form.titleRu, uk: form.titleUk, en: form.titleEn };
  if (may('questionnaireId') && form.questionnaireId !== before.questionnaireId)
    body.questionnaireId = form.questionnaireId;
  if (may('opensAt') && form.opensAt !== before.opensAt) body.opensAt = dateInputToIso(form.opensAt);
  if (may('closesAt') && form.closesAt !== before.closesAt) body.closesAt = dateInputToIso(form.closesAt);
  if (
    may('scope') &&
    (form.countries.join() !== before.countries.join() || form.regions.join() !== before.regions.join())
  )
    body.scope = { countries: form.countries, regions: form.regions };
  if (may('access') && form.access !== before.access) body.access = form.access;
  if (may('anonymous') && form.anonymous !== before.anonymous) body.anonymous = form.anonymous;
  if (may('noRegionalBreakdown') && form.noRegionalBreakdown !== before.noRegionalBreakdown)
    body.noRegionalBreakdown = form.noRegionalBreakdown;
  return body;
}

function WaveEditForm({ wave: w, onCancel, onSaved }: { wave: WaveAdmin; onCancel: () => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const id = useId();
  const draft = w.status === 'draft';
  const questionnaires = useRequest((signal) => listQuestionnaires(signal), `edit-q-${w.code}`);
  const regions = useRequest((signal) => listRegions(signal), 'edit-r');
  const [before] = useState(() => waveToForm(w));
  const [form, setForm] = useState<WaveForm>(before);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [allowMissing, setAllowMissing] = useState(false);
  // Offered once the server refused the version for missing translations (issue 19).
  const missingLanguages =
    error instanceof ApiError && error.invalidParams.some((p) => p.code === 'missing_translations');
  const set = <K extends keyof WaveForm>(k: K, v: WaveForm[K]) => setForm((f) => ({ ...f, [k]: v }));
  const locked = (f: WaveFieldGroup) => !w.editableFields.includes(f);
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus(), []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body = patchOf(w, before, form);
    if (Object.keys(body).length === 0) {
      onCancel();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await updateWave(w.code, allowMissing ? { ...body, allowMissingTranslations: true } : body);
      onSaved();
    } catch (err) {
      setError(err); // everything typed stays in the form
      setBusy(false);
    }
  };

  return (
    <form
      className="card admin-form admin-form--wide wave-edit"
      onSubmit={(e) => void submit(e)}
      aria-labelledby={`${id}-h`}
      data-testid="wave-edit"
    >
      <h2 id={`${id}-h`} ref={headingRef} tabIndex={-1}>
        {t('admin.wave.editTitle')}
      </h2>
      {!draft && (
        <p id={`${id}-locked`} className="notice notice--info" data-testid="wave-edit-locked">
          {t(w.status === 'open' ? 'admin.wave.locked.open' : 'admin.wave.locked.closed')}
        </p>
      )}
      {questionnaires.status === 'error' && (
        <ErrorNotice error={questionnaires.error} onRetry={questionnaires.reload} />
      )}
      <WaveFields
        id={id}
        form={form}
        set={set}
        questionnaires={questionnaires.status === 'ok' ? questionnaires.data : []}
        regions={regions.status === 'ok' ? regions.data : []}
        locked={locked}
        lockedHintId={draft ? undefined : `${id}-locked`}
      />
      {error !== null && <ProblemList error={error} title={t('admin.wave.editProblems')} kind="form" />}
      {(missingLanguages || allowMissing) && (
        <div className="field field--check">
          <input
            id={`${id}-allow`}
            type="checkbox"
            checked={allowMissing}
            onChange={(e) => setAllowMissing(e.target.checked)}
          />
          <label htmlFor={`${id}-allow`}>{t('editor.clone.allowMissing')}</label>
        </div>
      )}
      <div className="form-actions">
        <button type="submit" className="button" disabled={busy}>
          {busy ? t('admin.wave.editSaving') : t('admin.wave.editSave')}
        </button>
        <button type="button" className="button button--secondary" onClick={onCancel}>
          {t('admin.cancel')}
        </button>
      </div>
    </form>
  );
}

function WaveSummary({ wave: w }: { wave: WaveAdmin }) {
  const { t, i18n } = useTranslation();
  const lng = currentLocale(i18n.language);
  // Names, not codes: the questionnaire's title and the regions' names in the user's language.
  const questionnaires = useRequest((signal) => listQuestionnaires(signal), 'summary-q');
  const regions = useRequest((signal) => listRegions(signal), 'summary-r');
  const q = questionnaires.status === 'ok' ? questionnaires.data.find((x) => x.id === w.questionnaireId) : undefined;
  const regionName = (code: string) =>
    (regions.status === 'ok' && pick(regions.data.find((r) => r.code === code)?.names, lng)) || code;
  const link = `${window.location.origin}/w/${encodeURIComponent(w.code)}`;
  return (
    <section className="card" aria-labelledby="summary-h">
      <h2 id="summary-h">{t('admin.wave.summary')}</h2>
      <dl className="facts">
        <dt>{t('admin.wave.questionnaire')}</dt>
        <dd data-testid="wave-questionnaire">
          {q ? t('waves.questionnaire', { title: pick(q.title, lng) || q.key, version: q.version }) : w.questionnaireId}
        </dd>
        <dt>{t('admin.wave.period')}</dt>
        <dd>
          {w.opensAt || w.closesAt
            ? `${formatDate(w.opensAt, lng) || '…'} — ${formatDate(w.closesAt, lng) || '…'}`
            : t('waves.periodOpenEnded')}
        </dd>
        <dt>{t('admin.wave.scope')}</dt>
        <dd>
          {w.scope.regions.length
            ? w.scope.regions.map(regionName).join(', ')
            : t('admin.wave.allRegions', {
                countries: w.scope.countries.map((c) => t(`admin.form.country.${c}`)).join(', '),
              })}
        </dd>
        <dt>{t('admin.wave.access')}</dt>
        <dd>{w.access === 'public' ? t('admin.wave.accessPublic') : t('admin.wave.accessInvitation')}</dd>
        <dt>{t('admin.wave.anonymity')}</dt>
        <dd>
          {w.anonymous
            ? t('admin.wave.anonymousYes')
            : w.access === 'public'
              ? t('admin.wave.anonymousNoPublic')
              : t('admin.wave.anonymousNo')}
        </dd>
        <dt>{t('questionRoles.breakdownLegend')}</dt>
        <dd data-testid="wave-breakdown">
          {w.noRegionalBreakdown ? t('questionRoles.breakdownNo') : t('questionRoles.breakdownYes')}
        </dd>
        {w.access === 'public' && (
          <>
            <dt>{t('admin.wave.publicLink')}</dt>
            <dd>
              <a href={link}>{link}</a>
            </dd>
          </>
        )}
      </dl>
    </section>
  );
}

function Lifecycle({ wave: w, onChanged }: { wave: WaveAdmin; onChanged: () => void }) {
  const { t } = useTranslation();
  const id = useId();
  const [closesAt, setClosesAt] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const act = async (action: LifecycleAction) => {
    if (!window.confirm(t(`admin.wave.confirm.${action}`))) return;
    setBusy(true);
    setError(null);
    try {
      const newClose = action === 'reopen' && closesAt ? dateInputToIso(closesAt) : undefined;
      await changeWaveStatus(w.code, action, newClose);
      onChanged();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t('admin.wave.lifecycle')}</h2>
      <ol className="lifecycle" aria-label={t('admin.wave.lifecycle')}>
        {(['draft', 'open', 'closed', 'archived'] as const).map((s) => (
          <li
            key={s}
            className={s === w.status ? 'is-current' : undefined}
            aria-current={s === w.status ? 'step' : undefined}
          >
            {t(`waves.status.${s}`)}
          </li>
        ))}
      </ol>
      {w.status === 'closed' && (
        <div className="field">
          <label htmlFor={`${id}-closes`}>{t('admin.wave.reopenClosesAt')}</label>
          <input id={`${id}-closes`} type="date" value={closesAt} onChange={(e) => setClosesAt(e.target.value)} />
        </div>
      )}
      <div className="form-actions">
        {w.allowedTransitions.map((a) => (
          <button
            key={a}
            type="button"
            className={a === 'archive' ? 'button button--secondary' : 'button'}
            disabled={busy}
            onClick={() => void act(a)}
          >
            {t(`admin.wave.action.${a}`)}
          </button>
        ))}
      </div>
      {error !== null && <ProblemList error={error} title={errorText(t, error)} kind="form" />}
    </section>
  );
}

/** Names of region and municipality type codes in the user's language (for the import's problems). */
function useCodeNames(lng: ReturnType<typeof currentLocale>): CodeNames {
  const regions = useRequest((signal) => listRegions(signal), 'import-regions');
  const types = useRequest((signal) => listMunicipalityTypes(signal), 'import-types');
  const names = new Map<string, string>();
  if (regions.status === 'ok') for (const r of regions.data) names.set(r.code, pick(r.names, lng));
  if (types.status === 'ok') for (const ty of types.data) names.set(ty.code, pick(ty.names, lng));
  return (c) => names.get(c);
}

function ImportForm({ code, onImported }: { code: string; onImported?: () => void }) {
  const { t, i18n } = useTranslation();
  const lng = currentLocale(i18n.language);
  const codeNames = useCodeNames(lng);
  const id = useId();
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<ImportResult | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const xlsx = /\.xlsx$/i.test(file.name);
      const content = xlsx ? await toBase64(file) : await file.text();
      setResult(await importInvitations(code, xlsx ? 'xlsx' : 'csv', content));
      onImported?.();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="card admin-form" onSubmit={(e) => void submit(e)} aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>{t('admin.invitations.importTitle')}</h3>
      <p className="muted">{t('admin.invitations.importIntro')}</p>
      <div className="template-links" data-testid="import-template">
        <p className="field__label">{t('invitationImport.templateTitle')}</p>
        <p className="muted small">{t('invitationImport.templateIntro')}</p>
        <ul className="link-list">
          <li>
            <a href={importTemplateUrl(code, 'xlsx', lng)} download>
              {t('invitationImport.templateXlsx')}
            </a>
          </li>
          <li>
            <a href={importTemplateUrl(code, 'csv', lng)} download>
              {t('invitationImport.templateCsv')}
            </a>
          </li>
          <li>
            <a href={importTemplateUrl(code, 'codes-csv', lng)} download>
              {t('invitationImport.codesCsv')}
            </a>
          </li>
        </ul>
      </div>
      <div className="field">
        <label htmlFor={`${id}-file`}>{t('admin.invitations.file')}</label>
        <input
          id={`${id}-file`}
          type="file"
          required
          accept=".csv,.txt,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
        />
      </div>
      {error !== null && (
        <ProblemList
          error={error}
          title={t('admin.invitations.problemsTitle')}
          kind="list"
          codeNames={codeNames}
          codesHref={importTemplateUrl(code, 'codes-csv', lng)}
        />
      )}
      {result && (
        <p className="notice notice--success" role="status" data-testid="import-done">
          {t('admin.invitations.imported', result)}
        </p>
      )}
      <button type="submit" className="button" disabled={busy || !file}>
        {busy ? t('admin.invitations.importing') : t('admin.invitations.import')}
      </button>
    </form>
  );
}

async function toBase64(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function LinksForm({ code }: { code: string }) {
  const { t } = useTranslation();
  const id = useId();
  const [scope, setScope] = useState<'unissued' | 'all'>('unissued');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<{ n: number; file: string } | null>(null);
  const download = async (format: 'csv' | 'xlsx') => {
    if (scope === 'all' && !window.confirm(t('admin.invitations.confirmAll'))) return;
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const { blob, filename, issued } = await downloadLinks(code, format, scope);
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = filename;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setDone({ n: issued, file: filename });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card admin-form" aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>{t('admin.invitations.linksTitle')}</h3>
      <p className="muted">{t('admin.invitations.linksIntro')}</p>
      <fieldset className="fieldset">
        <legend>{t('admin.invitations.linksScope')}</legend>
        {(['unissued', 'all'] as const).map((s) => (
          <label key={s} className="choice">
            <input type="radio" name={`${id}-scope`} checked={scope === s} onChange={() => setScope(s)} />
            {s === 'unissued' ? t('admin.invitations.scopeUnissued') : t('admin.invitations.scopeAll')}
          </label>
        ))}
      </fieldset>
      <div className="form-actions">
        <button type="button" className="button" disabled={busy} onClick={() => void download('csv')}>
          {t('admin.invitations.linksCsv')}
        </button>
        <button type="button" className="button" disabled={busy} onClick={() => void download('xlsx')}>
          {t('admin.invitations.linksXlsx')}
        </button>
      </div>
      {error !== null && (
        <p className="notice notice--error" role="alert">
          {errorText(t, error)}
        </p>
      )}
      {done && (
        <p className="notice notice--success" role="status" data-testid="links-done">
          {t('admin.invitations.linksIssued', done)}
        </p>
      )}
    </section>
  );
}

function CloneForm({ wave: w }: { wave: WaveAdmin }) {
  const { t } = useTranslation();
  const id = useId();
  const [code, setCode] = useState('');
  const [titleRu, setTitleRu] = useState(w.title.ru);
  const [opensAt, setOpensAt] = useState('');
  const [closesAt, setClosesAt] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<{ code: string; n: number } | null>(null);
  // The same questionnaire or a newer version of it (e.g. one saved in the editor).
  const [qKey, qVersion] = w.questionnaireId.split('@');
  const library = useRequest((signal) => listQuestionnaires(signal), `clone-versions-${w.questionnaireId}`);
  const versions =
    library.status === 'ok'
      ? library.data.filter((q) => q.key === qKey && q.version >= Number(qVersion)).map((q) => q.id)
      : [w.questionnaireId];
  const [questionnaireId, setQuestionnaireId] = useState(w.questionnaireId);
  const [allowMissing, setAllowMissing] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await cloneWave(w.code, {
        code: code.trim(),
        title: { ...w.title, ru: titleRu },
        opensAt: dateInputToIso(opensAt),
        closesAt: dateInputToIso(closesAt),
        questionnaireId,
        ...(allowMissing ? { allowMissingTranslations: true } : {}),
      });
      setDone({ code: res.code, n: res.invitationsCopied });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="card admin-form" onSubmit={(e) => void submit(e)} aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t('admin.wave.clone')}</h2>
      <p className="muted">{t('admin.wave.cloneIntro')}</p>
      <div className="field">
        <label htmlFor={`${id}-code`}>{t('admin.form.code')}</label>
        <input
          id={`${id}-code`}
          required
          pattern="[A-Za-z0-9_\-]+"
          value={code}
          onChange={(e) => setCode(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-title`}>{t('admin.form.titleRu')}</label>
        <input id={`${id}-title`} required value={titleRu} onChange={(e) => setTitleRu(e.target.value)} />
      </div>
      <div className="field-row">
        <div className="field">
          <label htmlFor={`${id}-opens`}>{t('admin.form.opensAt')}</label>
          <input id={`${id}-opens`} type="date" value={opensAt} onChange={(e) => setOpensAt(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-closes`}>{t('admin.form.closesAt')}</label>
          <input id={`${id}-closes`} type="date" value={closesAt} onChange={(e) => setClosesAt(e.target.value)} />
        </div>
      </div>
      <div className="field">
        <label htmlFor={`${id}-version`}>{t('editor.clone.version')}</label>
        <select id={`${id}-version`} value={questionnaireId} onChange={(e) => setQuestionnaireId(e.target.value)}>
          {versions.map((v) => (
            <option key={v} value={v}>
              {v}
            </option>
          ))}
        </select>
      </div>
      <div className="field field--check">
        <input
          id={`${id}-allow`}
          type="checkbox"
          checked={allowMissing}
          onChange={(e) => setAllowMissing(e.target.checked)}
        />
        <label htmlFor={`${id}-allow`}>{t('editor.clone.allowMissing')}</label>
      </div>
      {error !== null && <ProblemList error={error} title={t('admin.wave.cloneProblems')} kind="form" />}
      {done && (
        <p className="notice notice--success" role="status">
          {t('admin.wave.cloned', done)}{' '}
          <Link to={`/admin/waves/${encodeURIComponent(done.code)}`}>{t('admin.wave.openClone')}</Link>
        </p>
      )}
      <button type="submit" className="button" disabled={busy}>
        {t('admin.wave.cloneSubmit')}
      </button>
    </form>
  );
}
