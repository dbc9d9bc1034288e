import { lazy, Suspense, useId, useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import {
  diffQuestionnaire,
  getQuestionnaireVersion,
  listQuestionnaires,
  QUESTION_ROLES,
  setQuestionRoles,
  uploadQuestionnaire,
  type QuestionRole,
  type QuestionnaireDiff,
  type QuestionnaireSummary,
  type UploadResult,
} from '../../api/admin';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Loading } from '../../components/Loading';
import { PageHeading } from '../../components/PageHeading';
import { currentLocale } from '../../i18n';
import { formatDate, pick } from '../../lib/format';
import { useRequest } from '../../lib/useRequest';
import { AdminNav } from './AdminNav';
import { errorText, ProblemList } from './ProblemList';
import { TableHead } from '../../components/TableHead';
import { ValueSelect } from '../../components/Field';

// survey-core is loaded only when a preview is opened.
const QuestionnairePreview = lazy(() => import('./QuestionnairePreview'));

/** /admin/questionnaires — every questionnaire version; upload, preview, compare. */
export default function LibraryPage() {
  const { t, i18n } = useTranslation();
  const lng = currentLocale(i18n.language);
  const list = useRequest((signal) => listQuestionnaires(signal), 'library');
  const [preview, setPreview] = useState<{ key: string; version: number } | null>(null);
  const [rolesOf, setRolesOf] = useState<{ key: string; version: number } | null>(null);

  return (
    <section className="page admin-page">
      <AdminNav />
      <PageHeading title={t('admin.library.title')}>{t('admin.library.title')}</PageHeading>
      <p className="lead">{t('admin.library.intro')}</p>

      {list.status === 'loading' && <Loading label={t('admin.loading')} />}
      {list.status === 'error' && <ErrorNotice error={list.error} onRetry={list.reload} />}
      {list.status === 'ok' &&
        (list.data.length === 0 ? (
          <p>{t('admin.library.empty')}</p>
        ) : (
          <div className="table-scroll">
            <table className="data-table" data-testid="library-table">
              <caption className="visually-hidden">{t('admin.library.tableCaption')}</caption>
              <TableHead
                columns={[
                  t('admin.library.key'),
                  t('admin.library.version'),
                  t('admin.library.name'),
                  t('admin.library.source'),
                  { label: t('admin.library.questions'), num: true },
                  t('admin.library.languages'),
                  t('admin.library.usedBy'),
                  t('questionRoles.column'),
                  t('admin.library.actions'),
                ]}
              />
              <tbody>
                {list.data.map((q) => (
                  <tr key={q.id}>
                    <td>
                      <code>{q.key}</code>
                    </td>
                    <td className="num">{q.version}</td>
                    <td>
                      {pick(q.title, lng)}
                      <div className="muted small">{formatDate(q.createdAt, lng)}</div>
                    </td>
                    <td>{q.source === 'file' ? t('admin.library.sourceFile') : t('admin.library.sourceUpload')}</td>
                    <td className="num">{q.questionCount}</td>
                    <td>{q.locales.join(', ')}</td>
                    <td>{q.usedBy.length ? q.usedBy.join(', ') : t('admin.none')}</td>
                    <td data-testid={`roles-${q.id}`}>
                      {q.roles.region ? (
                        <span>
                          {t('questionRoles.role.region')}: <code>{q.roles.region}</code>
                        </span>
                      ) : (
                        <span className="badge badge--warning">{t('questionRoles.noRegion')}</span>
                      )}
                    </td>
                    <td>
                      <button
                        type="button"
                        className="button button--small button--secondary"
                        aria-label={t('questionRoles.editLabel', { key: q.key, version: q.version })}
                        aria-pressed={rolesOf?.key === q.key && rolesOf.version === q.version}
                        onClick={() => setRolesOf({ key: q.key, version: q.version })}
                      >
                        {t('questionRoles.edit')}
                      </button>{' '}
                      <button
                        type="button"
                        className="button button--small"
                        aria-label={t('admin.library.previewLabel', { key: q.key, version: q.version })}
                        aria-pressed={preview?.key === q.key && preview.version === q.version}
                        onClick={() => setPreview({ key: q.key, version: q.version })}
                      >
                        {t('admin.library.preview')}
                      </button>{' '}
                      <Link
                        className="button button--small button--secondary"
                        to={`/admin/questionnaires/${q.key}/${q.version}/edit`}
                        aria-label={t('editor.openLabel', { key: q.key, version: q.version })}
                      >
                        {t('editor.open')}
                      </Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}

      {rolesOf && (
        <RolesEditor
          key={`${rolesOf.key}@${rolesOf.version}`}
          questionnaireKey={rolesOf.key}
          version={rolesOf.version}
          onClose={() => setRolesOf(null)}
          onSaved={list.reload}
        />
      )}

      {preview && (
        <Suspense fallback={<Loading label={t('admin.loading')} />}>
          <QuestionnairePreview
            key={`${preview.key}@${preview.version}`}
            questionnaireKey={preview.key}
            version={preview.version}
            onClose={() => setPreview(null)}
          />
        </Suspense>
      )}

      <div className="admin-columns">
        <UploadForm onUploaded={list.reload} />
        {list.status === 'ok' && <DiffForm items={list.data} />}
      </div>
    </section>
  );
}

/** Chooses which question is the region, municipality, ... of one version (stored with it). */
function RolesEditor({
  questionnaireKey,
  version,
  onClose,
  onSaved,
}: {
  questionnaireKey: string;
  version: number;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t, i18n } = useTranslation();
  const lng = currentLocale(i18n.language);
  const id = useId();
  const detail = useRequest(
    (signal) => getQuestionnaireVersion(questionnaireKey, version, signal),
    `${questionnaireKey}@${version}`,
  );
  const [choice, setChoice] = useState<Partial<Record<QuestionRole, string>> | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);

  if (detail.status === 'loading') return <Loading label={t('admin.loading')} />;
  if (detail.status === 'error') return <ErrorNotice error={detail.error} onRetry={detail.reload} />;
  const v = detail.data;
  const roles = choice ?? v.roles;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      const body = Object.fromEntries(QUESTION_ROLES.map((r) => [r, roles[r] ?? null])) as Record<
        QuestionRole,
        string | null
      >;
      await setQuestionRoles(questionnaireKey, version, body);
      setSaved(true);
      onSaved();
      detail.reload();
      setChoice(null);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="card admin-form"
      onSubmit={(e) => void submit(e)}
      aria-labelledby={`${id}-h`}
      data-testid="roles-editor"
    >
      <h2 id={`${id}-h`}>{t('questionRoles.title', { key: questionnaireKey, version })}</h2>
      <p className="muted">{t('questionRoles.intro')}</p>
      {v.rolesLocked && (
        <p className="notice" role="status">
          {t('questionRoles.locked')}
        </p>
      )}
      <div className="roles-grid">
        {QUESTION_ROLES.map((r) => (
          <div className="field" key={r}>
            <label htmlFor={`${id}-${r}`}>{t(`questionRoles.role.${r}`)}</label>
            <select
              id={`${id}-${r}`}
              name={r}
              disabled={v.rolesLocked}
              aria-describedby={`${id}-${r}-hint`}
              value={roles[r] ?? ''}
              onChange={(e) => setChoice({ ...roles, [r]: e.target.value || undefined })}
            >
              <option value="">{t('questionRoles.noQuestion')}</option>
              {v.questions.map((q) => (
                <option key={q.name} value={q.name}>
                  {q.name} — {pick(q.title, lng).slice(0, 60)} ({q.type})
                </option>
              ))}
            </select>
            <p id={`${id}-${r}-hint`} className="field__hint">
              {t(`questionRoles.hint.${r}`)}
            </p>
          </div>
        ))}
      </div>
      {!roles.region && (
        <p className="notice notice--warning" data-testid="roles-no-region">
          {t('questionRoles.noRegionWarning')}
        </p>
      )}
      {error !== null && <ProblemList error={error} title={t('questionRoles.problems')} kind="questionnaire" />}
      {saved && (
        <p className="notice notice--success" role="status" data-testid="roles-saved">
          {t('questionRoles.saved')}
        </p>
      )}
      <div className="button-row">
        <button type="submit" className="button" disabled={busy || v.rolesLocked}>
          {t('questionRoles.save')}
        </button>
        <button type="button" className="button button--secondary" onClick={onClose}>
          {t('questionRoles.close')}
        </button>
      </div>
    </form>
  );
}

function UploadForm({ onUploaded }: { onUploaded: () => void }) {
  const { t } = useTranslation();
  const id = useId();
  const [key, setKey] = useState('');
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<UploadResult | null>(null);

  const onFile = async (file: File | undefined) => {
    if (!file) return;
    try {
      setText(await file.text());
      if (!key)
        setKey(
          file.name
            .replace(/\.json$/i, '')
            .toLowerCase()
            .replace(/[^a-z0-9_-]+/g, '-'),
        );
      setError(null);
    } catch (err) {
      setError(err);
    }
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const res = await uploadQuestionnaire(key.trim(), text);
      setDone(res);
      onUploaded();
    } catch (err) {
      setError(err); // the key and text stay as typed
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card admin-form" onSubmit={(e) => void submit(e)} aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t('admin.library.uploadTitle')}</h2>
      <p className="muted">{t('admin.library.uploadIntro')}</p>
      <div className="field">
        <label htmlFor={`${id}-key`}>{t('admin.library.keyLabel')}</label>
        <input
          id={`${id}-key`}
          name="key"
          required
          pattern="[a-z0-9][a-z0-9_\-]*"
          value={key}
          aria-describedby={`${id}-key-hint`}
          onChange={(e) => setKey(e.target.value)}
        />
        <p id={`${id}-key-hint`} className="field__hint">
          {t('admin.library.keyHint')}
        </p>
      </div>
      <div className="field">
        <label htmlFor={`${id}-file`}>{t('admin.library.file')}</label>
        <input
          id={`${id}-file`}
          type="file"
          accept=".json,application/json"
          onChange={(e) => void onFile(e.target.files?.[0])}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-text`}>{t('admin.library.text')}</label>
        <textarea
          id={`${id}-text`}
          name="definition"
          rows={8}
          required
          spellCheck={false}
          className="code-input"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
      </div>
      {error !== null && <ProblemList error={error} title={t('admin.library.problemsTitle')} kind="questionnaire" />}
      {done && (
        <p className="notice notice--success" role="status" data-testid="upload-done">
          {done.created
            ? t('admin.library.created', { key: done.key, version: done.version })
            : t('admin.library.same', { key: done.key, version: done.version })}
        </p>
      )}
      {done && (
        <div className="notice" role="status" data-testid="upload-roles">
          {Object.keys(done.roles).length > 0 ? (
            <>
              <p>{t('questionRoles.detected')}</p>
              <ul>
                {QUESTION_ROLES.filter((r) => done.roles[r]).map((r) => (
                  <li key={r}>
                    {t(`questionRoles.role.${r}`)}: <code>{done.roles[r]}</code>
                  </li>
                ))}
              </ul>
            </>
          ) : (
            <p>{t('questionRoles.noneDetected')}</p>
          )}
          {!done.roles.region && <p className="notice notice--warning">{t('questionRoles.noRegionUpload')}</p>}
        </div>
      )}
      {done && done.sanitized.length > 0 && (
        <div className="notice" role="status" data-testid="upload-sanitized">
          <p>{t('admin.library.sanitized', { count: done.sanitized.length })}</p>
          <ul>
            {done.sanitized.map((p) => (
              <li key={p.name}>
                <code>{p.name}</code>
              </li>
            ))}
          </ul>
        </div>
      )}
      <button type="submit" className="button" disabled={busy}>
        {busy ? t('admin.library.uploading') : t('admin.library.upload')}
      </button>
    </form>
  );
}

function DiffForm({ items }: { items: QuestionnaireSummary[] }) {
  const { t, i18n } = useTranslation();
  const lng = currentLocale(i18n.language);
  const id = useId();
  const keys = useMemo(() => [...new Set(items.map((q) => q.key))].sort(), [items]);
  const [key, setKey] = useState(() => keys.find((k) => items.filter((q) => q.key === k).length > 1) ?? keys[0] ?? '');
  const versions = items
    .filter((q) => q.key === key)
    .map((q) => q.version)
    .sort((a, b) => a - b);
  const [from, setFrom] = useState<number | ''>('');
  const [to, setTo] = useState<number | ''>('');
  const fromV = from === '' ? (versions.at(-2) ?? versions[0]) : from;
  const toV = to === '' ? versions.at(-1) : to;
  const [result, setResult] = useState<QuestionnaireDiff | null>(null);
  const [error, setError] = useState<unknown>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (fromV === undefined || toV === undefined) return;
    setError(null);
    try {
      setResult(await diffQuestionnaire(key, fromV, toV));
    } catch (err) {
      setError(err);
      setResult(null);
    }
  };
  const names = (list: QuestionnaireDiff['added'], testId: string) =>
    list.length ? (
      <ul className="diff-list" data-testid={testId}>
        {list.map((q) => (
          <li key={q.name}>
            <code>{q.name}</code> <span className="muted">({q.type})</span> {pick(q.title, lng)}
          </li>
        ))}
      </ul>
    ) : (
      <p className="muted" data-testid={testId}>
        {t('admin.library.nothing')}
      </p>
    );

  return (
    <form className="card admin-form" onSubmit={(e) => void submit(e)} aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t('admin.library.diffTitle')}</h2>
      <p className="muted">{t('admin.library.diffIntro')}</p>
      <div className="field-row">
        <ValueSelect
          id={`${id}-key`}
          label={t('admin.library.diffKey')}
          value={key}
          options={keys}
          onChange={(k) => {
            setKey(k);
            setFrom('');
            setTo('');
            setResult(null);
          }}
        />
        <ValueSelect
          id={`${id}-from`}
          label={t('admin.library.diffFrom')}
          value={fromV ?? ''}
          options={versions}
          onChange={(v) => setFrom(Number(v))}
        />
        <ValueSelect
          id={`${id}-to`}
          label={t('admin.library.diffTo')}
          value={toV ?? ''}
          options={versions}
          onChange={(v) => setTo(Number(v))}
        />
      </div>
      {versions.length < 2 && <p className="muted">{t('admin.library.oneVersion')}</p>}
      <button type="submit" className="button" disabled={versions.length < 2}>
        {t('admin.library.compare')}
      </button>
      {error !== null && (
        <p className="notice notice--error" role="alert">
          {errorText(t, error)}
        </p>
      )}
      {result && (
        <div className="diff" role="status" data-testid="diff-result">
          <h3>{t('admin.library.added')}</h3>
          {names(result.added, 'diff-added')}
          <h3>{t('admin.library.removed')}</h3>
          {names(result.removed, 'diff-removed')}
          <h3>{t('admin.library.changed')}</h3>
          {names(result.changed, 'diff-changed')}
          <p className="muted">{t('admin.library.unchanged', { n: result.unchanged.length })}</p>
        </div>
      )}
    </form>
  );
}
