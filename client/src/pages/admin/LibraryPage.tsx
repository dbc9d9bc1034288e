import { lazy, Suspense, useId, useMemo, useState } from 'react';
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
import { ValueSelect } from '../../components/Field';
import { SmallButton, SubmitButton } from '../../components/form/Buttons';
import { CardForm } from '../../components/form/CardForm';
import { FileField, SelectField, TextAreaField, TextField } from '../../components/form/Fields';
import { DoneNote, ProblemNote } from '../../components/form/Notes';
import { useFields } from '../../components/form/useFields';
import { Loading } from '../../components/Loading';
import { PageHeading } from '../../components/PageHeading';
import { currentLocale } from '../../i18n';
import { formatDate, pick } from '../../lib/format';
import { useAction } from '../../lib/useAction';
import { useRequest } from '../../lib/useRequest';
import { AdminList, DiffLists, Pending } from './AdminBits';
import { AdminNav } from './AdminNav';
import { errorText, ProblemList } from './ProblemList';

// survey-core is loaded only when a preview is opened.
const QuestionnairePreview = lazy(() => import('./QuestionnairePreview'));

/** One version of a questionnaire. */
type Version = { key: string; version: number };

/** /admin/questionnaires — every questionnaire version; upload, preview, compare. */
export default function LibraryPage() {
  const { t, i18n } = useTranslation();
  const lng = currentLocale(i18n.language);
  const list = useRequest((signal) => listQuestionnaires(signal), 'library');
  const [preview, setPreview] = useState<Version | null>(null);
  const [rolesOf, setRolesOf] = useState<Version | null>(null);
  /** The button that opens the roles editor or the preview of a version (pressed while open). */
  const opener = (q: Version, open: Version | null, setOpen: (v: Version) => void, what: 'roles' | 'preview') => (
    <SmallButton
      secondary={what === 'roles'}
      aria-label={
        what === 'roles'
          ? t('questionRoles.editLabel', { key: q.key, version: q.version })
          : t('admin.library.previewLabel', { key: q.key, version: q.version })
      }
      aria-pressed={open?.key === q.key && open.version === q.version}
      onClick={() => setOpen({ key: q.key, version: q.version })}
    >
      {what === 'roles' ? t('questionRoles.edit') : t('admin.library.preview')}
    </SmallButton>
  );

  return (
    <section className="page admin-page">
      <AdminNav />
      <PageHeading title={t('admin.library.title')}>{t('admin.library.title')}</PageHeading>
      <p className="lead">{t('admin.library.intro')}</p>

      <AdminList
        request={list}
        empty={t('admin.library.empty')}
        caption={t('admin.library.tableCaption')}
        testId="library-table"
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
        row={(q) => (
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
              {opener(q, rolesOf, setRolesOf, 'roles')} {opener(q, preview, setPreview, 'preview')}{' '}
              <Link
                className="button button--small button--secondary"
                to={`/admin/questionnaires/${q.key}/${q.version}/edit`}
                aria-label={t('editor.openLabel', { key: q.key, version: q.version })}
              >
                {t('editor.open')}
              </Link>
            </td>
          </tr>
        )}
      />

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
  const { busy, error, run } = useAction();
  const [saved, setSaved] = useState(false);

  if (detail.status !== 'ok') return <Pending request={detail} />;
  const v = detail.data;
  const roles = choice ?? v.roles;
  const questions = v.questions.map((q) => ({
    value: q.name,
    label: `${q.name} — ${pick(q.title, lng).slice(0, 60)} (${q.type})`,
  }));

  const submit = async () => {
    setSaved(false);
    await run(async () => {
      const body = Object.fromEntries(QUESTION_ROLES.map((r) => [r, roles[r] ?? null])) as Record<
        QuestionRole,
        string | null
      >;
      await setQuestionRoles(questionnaireKey, version, body);
      setSaved(true);
      onSaved();
      detail.reload();
      setChoice(null);
    });
  };

  return (
    <CardForm
      title={t('questionRoles.title', { key: questionnaireKey, version })}
      intro={t('questionRoles.intro')}
      onSubmit={submit}
      data-testid="roles-editor"
    >
      {v.rolesLocked && (
        <p className="notice" role="status">
          {t('questionRoles.locked')}
        </p>
      )}
      <div className="roles-grid">
        {QUESTION_ROLES.map((r) => (
          <SelectField
            key={r}
            id={`${id}-${r}`}
            label={t(`questionRoles.role.${r}`)}
            hint={t(`questionRoles.hint.${r}`)}
            name={r}
            disabled={v.rolesLocked}
            value={roles[r] ?? ''}
            onChange={(e) => setChoice({ ...roles, [r]: e.target.value || undefined })}
            empty={t('questionRoles.noQuestion')}
            choices={questions}
          />
        ))}
      </div>
      {!roles.region && (
        <p className="notice notice--warning" data-testid="roles-no-region">
          {t('questionRoles.noRegionWarning')}
        </p>
      )}
      {error !== null && <ProblemList error={error} title={t('questionRoles.problems')} kind="questionnaire" />}
      {saved && <DoneNote testId="roles-saved">{t('questionRoles.saved')}</DoneNote>}
      <div className="button-row">
        <SubmitButton label={t('questionRoles.save')} busy={busy} disabled={v.rolesLocked} />
        <button type="button" className="button button--secondary" onClick={onClose}>
          {t('questionRoles.close')}
        </button>
      </div>
    </CardForm>
  );
}

/** A file or pasted text of a key's new version (the server says whether it is new). */
function UploadForm({ onUploaded }: { onUploaded: () => void }) {
  const { t } = useTranslation();
  const { values, set, bind } = useFields({ key: '', definition: '' });
  const { busy, error, run, setError } = useAction();
  const [done, setDone] = useState<UploadResult | null>(null);

  const onFile = async (file: File | undefined) => {
    if (!file) return;
    try {
      set('definition', await file.text());
      if (!values.key)
        set(
          'key',
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

  const submit = async () => {
    setDone(null);
    // On a refusal the key and text stay as typed.
    await run(async () => {
      setDone(await uploadQuestionnaire(values.key.trim(), values.definition));
      onUploaded();
    });
  };

  return (
    <CardForm title={t('admin.library.uploadTitle')} intro={t('admin.library.uploadIntro')} onSubmit={submit}>
      <TextField
        {...bind('key')}
        label={t('admin.library.keyLabel')}
        hint={t('admin.library.keyHint')}
        name="key"
        required
        pattern="[a-z0-9][a-z0-9_\-]*"
      />
      <FileField label={t('admin.library.file')} accept=".json,application/json" onFile={(f) => void onFile(f)} />
      <TextAreaField
        {...bind('definition')}
        label={t('admin.library.text')}
        name="definition"
        rows={8}
        required
        spellCheck={false}
        className="code-input"
      />
      {error !== null && <ProblemList error={error} title={t('admin.library.problemsTitle')} kind="questionnaire" />}
      {done && (
        <DoneNote testId="upload-done">
          {done.created
            ? t('admin.library.created', { key: done.key, version: done.version })
            : t('admin.library.same', { key: done.key, version: done.version })}
        </DoneNote>
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
      <SubmitButton busy={busy} label={t('admin.library.upload')} busyLabel={t('admin.library.uploading')} />
    </CardForm>
  );
}

/** The questions added, removed and changed between two versions of a key. */
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

  const submit = async () => {
    if (fromV === undefined || toV === undefined) return;
    setError(null);
    try {
      setResult(await diffQuestionnaire(key, fromV, toV));
    } catch (err) {
      setError(err);
      setResult(null);
    }
  };

  return (
    <CardForm title={t('admin.library.diffTitle')} intro={t('admin.library.diffIntro')} onSubmit={submit}>
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
        {(
          [
            ['from', t('admin.library.diffFrom'), fromV, setFrom],
            ['to', t('admin.library.diffTo'), toV, setTo],
          ] as const
        ).map(([end, label, value, setValue]) => (
          <ValueSelect
            key={end}
            id={`${id}-${end}`}
            label={label}
            value={value ?? ''}
            options={versions}
            onChange={(v) => setValue(Number(v))}
          />
        ))}
      </div>
      {versions.length < 2 && <p className="muted">{t('admin.library.oneVersion')}</p>}
      <SubmitButton label={t('admin.library.compare')} disabled={versions.length < 2} />
      {error !== null && <ProblemNote>{errorText(t, error)}</ProblemNote>}
      {result && <DiffLists diff={result} lng={lng} role="status" testId="diff-result" />}
    </CardForm>
  );
}
