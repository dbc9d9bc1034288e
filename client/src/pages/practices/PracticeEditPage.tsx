// /admin/practices/new and /admin/practices/:id — an editor writes or changes a practice, scores
// it on the contest jury's criteria, publishes it, and sees its history.
import { useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError } from '../../api/api';
import {
  createPractice,
  deletePractice,
  getManaged,
  setPublished,
  updatePractice,
  type EditorPractice,
  type PracticeFields,
  type Review,
  type Vocabulary,
} from '../../api/practices';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Loading } from '../../components/Loading';
import { PageHeading } from '../../components/PageHeading';
import { formatDateTime, pick } from '../../lib/format';
import { useRequest } from '../../lib/useRequest';
import { usePracticeLocale, useVocabulary } from './common';

const EMPTY: PracticeFields = {
  language: 'ru',
  title: '',
  problem: '',
  actions: '',
  results: '',
  municipalities: [],
  municipalityCount: null,
  country: '',
  regions: [],
  municipalityTypes: [],
  sizeClasses: [],
  obstacles: [],
  forms: [],
  fields: [],
  yearFrom: null,
  yearTo: null,
  source: '',
  contact: '',
  attachments: [],
};

function fieldsOf(p: EditorPractice): PracticeFields {
  const out = { ...EMPTY };
  for (const k of Object.keys(EMPTY) as (keyof PracticeFields)[]) (out as Record<string, unknown>)[k] = p[k];
  return out;
}

export default function PracticeEditPage() {
  const { id } = useParams();
  const { t } = useTranslation();
  const vocab = useVocabulary();
  const [attempt, setAttempt] = useState(0);
  // Survives the reload after a change (the editor is rebuilt from the saved version).
  const [saved, setSaved] = useState(false);
  const practice = useRequest(
    (signal) => (id ? getManaged(id, signal) : Promise.resolve(null)),
    `${id ?? 'new'}#${attempt}`,
  );
  if (vocab.status === 'loading' || practice.status === 'loading') return <Loading label={t('app.loading')} />;
  if (vocab.status === 'error') return <ErrorNotice error={vocab.error} onRetry={vocab.reload} />;
  if (practice.status === 'error') return <ErrorNotice error={practice.error} onRetry={practice.reload} />;
  return (
    <Editor
      key={`${id ?? 'new'}:${practice.data?.version ?? 0}`}
      vocab={vocab.data}
      practice={practice.data}
      saved={saved}
      reload={() => {
        setSaved(true);
        setAttempt((n) => n + 1);
      }}
    />
  );
}

function Editor({
  vocab,
  practice,
  saved: savedBefore,
  reload,
}: {
  vocab: Vocabulary;
  practice: EditorPractice | null;
  saved: boolean;
  reload: () => void;
}) {
  const { t } = useTranslation();
  const lng = usePracticeLocale();
  const navigate = useNavigate();
  const [f, setF] = useState<PracticeFields>(practice ? fieldsOf(practice) : EMPTY);
  const [municipalities, setMunicipalities] = useState(f.municipalities.join('\n'));
  const [links, setLinks] = useState(f.attachments.map((a) => a.url).join('\n'));
  const [review, setReview] = useState<Review>(
    practice?.review ?? { uniqueness: null, typicalProblem: null, replicability: null, note: '' },
  );
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(savedBefore);
  const set = <K extends keyof PracticeFields>(k: K, v: PracticeFields[K]) => setF((x) => ({ ...x, [k]: v }));

  const body = (): PracticeFields => ({
    ...f,
    municipalities: municipalities
      .split('\n')
      .map((s) => s.trim())
      .filter(Boolean),
    attachments: links
      .split('\n')
      .map((s) => s.trim())
      .filter(Boolean)
      .map((url) => ({ title: practice?.attachments.find((a) => a.url === url)?.title ?? '', url })),
  });

  const run = async (work: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      await work();
      setSaved(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const save = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      if (!practice) {
        const created = await createPractice(body());
        void navigate(`/admin/practices/${encodeURIComponent(created.id)}`, { replace: true });
        return;
      }
      await updatePractice(practice.id, { version: practice.version, practice: body(), review });
      reload();
    });
  };

  const checks = (
    k: 'obstacles' | 'fields' | 'forms' | 'municipalityTypes' | 'sizeClasses',
    options: { code: string; name: string }[],
  ) => (
    <div className="checks">
      {options.map((o) => (
        <label key={o.code}>
          <input
            type="checkbox"
            checked={f[k].includes(o.code)}
            onChange={(e) => set(k, e.target.checked ? [...f[k], o.code] : f[k].filter((c) => c !== o.code))}
            data-testid={`${k}-${o.code}`}
          />
          {o.name}
        </label>
      ))}
    </div>
  );
  const text = (
    k: 'title' | 'problem' | 'actions' | 'results' | 'source' | 'contact',
    long = false,
    required = false,
  ) => (
    <label className="field">
      <span className="field__label">{t(`practices.f.${k}`)}</span>
      {long ? (
        <textarea rows={4} value={f[k]} onChange={(e) => set(k, e.target.value)} data-testid={`field-${k}`} />
      ) : (
        <input value={f[k]} onChange={(e) => set(k, e.target.value)} required={required} data-testid={`field-${k}`} />
      )}
    </label>
  );
  const num = (k: 'yearFrom' | 'yearTo' | 'municipalityCount', label: string) => (
    <label className="field">
      <span className="field__label">{label}</span>
      <input
        type="number"
        value={f[k] ?? ''}
        onChange={(e) => set(k, e.target.value === '' ? null : Number(e.target.value))}
      />
    </label>
  );
  const score = (k: 'uniqueness' | 'typicalProblem' | 'replicability') => (
    <label className="field">
      <span className="field__label">{t(`practices.review.${k}`)}</span>
      <select
        value={review[k] ?? ''}
        onChange={(e) => setReview((r) => ({ ...r, [k]: e.target.value === '' ? null : Number(e.target.value) }))}
        data-testid={`review-${k}`}
      >
        <option value="">—</option>
        {[0, 1, 2, 3, 4, 5].map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </select>
    </label>
  );
  const title = practice ? practice.title : t('practices.admin.new');
  const group = (legend: string, children: ReactNode) => (
    <fieldset>
      <legend className="field__label">{legend}</legend>
      {children}
    </fieldset>
  );

  return (
    <section className="page page--wide">
      <p className="kicker">
        <Link to="/admin/practices">{t('practices.admin.title')}</Link>
      </p>
      <PageHeading title={title}>{title}</PageHeading>
      {practice && (
        <p>
          <span
            className={`badge badge--${practice.status === 'published' ? 'open' : 'draft'}`}
            data-testid="practice-status"
          >
            {t(`practices.status.${practice.status}`)}
          </span>{' '}
          {practice.origin.kind === 'call' && (
            <span className="muted">{t('practices.admin.fromCall', { wave: practice.origin.waveCode ?? '' })}</span>
          )}
          {practice.status === 'published' && (
            <>
              {' '}
              <Link to={`/practices/${encodeURIComponent(practice.id)}`}>{t('practices.admin.view')}</Link>
            </>
          )}
        </p>
      )}
      <form className="practice-form" onSubmit={save}>
        {group(
          t('practices.admin.about'),
          <>
            {text('title', false, true)}
            <label className="field">
              <span className="field__label">{t('practices.f.language')}</span>
              <select
                value={f.language}
                onChange={(e) => set('language', e.target.value as PracticeFields['language'])}
              >
                <option value="ru">Русский</option>
                <option value="uk">Українська</option>
                <option value="en">English</option>
              </select>
            </label>
            {text('problem', true)}
            {text('actions', true)}
            {text('results', true)}
          </>,
        )}
        {group(
          t('practices.f.obstacles'),
          checks(
            'obstacles',
            vocab.obstacles.map((o) => ({ code: o.code, name: pick(o.labels, lng) })),
          ),
        )}
        {group(
          t('practices.f.fields'),
          checks(
            'fields',
            vocab.fields.map((o) => ({ code: o.code, name: pick(o.names, lng) })),
          ),
        )}
        {group(
          t('practices.f.forms'),
          checks(
            'forms',
            vocab.forms.map((o) => ({ code: o.code, name: pick(o.names, lng) })),
          ),
        )}
        {group(
          t('practices.admin.where'),
          <>
            <div className="row">
              <label className="field">
                <span className="field__label">{t('practices.f.country')}</span>
                <select
                  value={f.country}
                  onChange={(e) => {
                    const c = e.target.value as PracticeFields['country'];
                    setF((x) => ({ ...x, country: c, regions: x.regions.filter((r) => !c || r.startsWith(`${c}-`)) }));
                  }}
                  data-testid="field-country"
                >
                  <option value="">—</option>
                  <option value="RU">{t('practices.country.RU')}</option>
                  <option value="UA">{t('practices.country.UA')}</option>
                </select>
              </label>
              <label className="field">
                <span className="field__label">{t('practices.f.regions')}</span>
                <select
                  multiple
                  size={5}
                  value={f.regions}
                  onChange={(e) =>
                    set(
                      'regions',
                      [...e.target.selectedOptions].map((o) => o.value),
                    )
                  }
                  data-testid="field-regions"
                >
                  {vocab.regions
                    .filter((r) => !f.country || r.country === f.country)
                    .map((r) => (
                      <option key={r.code} value={r.code}>
                        {pick(r.names, lng)}
                      </option>
                    ))}
                </select>
              </label>
              {num('municipalityCount', t('practices.f.municipalityCount'))}
              {num('yearFrom', t('practices.f.yearFrom'))}
              {num('yearTo', t('practices.f.yearTo'))}
            </div>
            <label className="field">
              <span className="field__label">{t('practices.f.municipalitiesOnePerLine')}</span>
              <textarea rows={3} value={municipalities} onChange={(e) => setMunicipalities(e.target.value)} />
            </label>
            <p className="field__label">{t('practices.f.municipalityTypes')}</p>
            {checks(
              'municipalityTypes',
              vocab.municipalityTypes
                .filter((m) => !f.country || !m.country || m.country === f.country)
                .map((o) => ({ code: o.code, name: pick(o.names, lng) })),
            )}
            <p className="field__label">{t('practices.f.sizeClasses')}</p>
            {checks(
              'sizeClasses',
              vocab.sizeClasses.map((o) => ({ code: o.code, name: pick(o.names, lng) })),
            )}
          </>,
        )}
        {group(
          t('practices.admin.sources'),
          <>
            {text('source')}
            {text('contact')}
            <label className="field">
              <span className="field__label">{t('practices.f.linksOnePerLine')}</span>
              <textarea rows={3} value={links} onChange={(e) => setLinks(e.target.value)} />
            </label>
          </>,
        )}
        {practice &&
          group(
            t('practices.review.title'),
            <>
              <p className="muted">{t('practices.review.help')}</p>
              <div className="row">
                {score('uniqueness')}
                {score('typicalProblem')}
                {score('replicability')}
              </div>
              <label className="field">
                <span className="field__label">{t('practices.review.note')}</span>
                <textarea
                  rows={2}
                  value={review.note}
                  onChange={(e) => setReview((r) => ({ ...r, note: e.target.value }))}
                />
              </label>
            </>,
          )}
        {error !== null && <FormProblems error={error} />}
        {saved && !error && (
          <p className="notice notice--success" role="status">
            {t('practices.admin.saved')}
          </p>
        )}
        <div className="practice-actions">
          <button type="submit" className="button button--primary" disabled={busy} data-testid="save-practice">
            {t('practices.admin.save')}
          </button>
          {practice && (
            <button
              type="button"
              className="button"
              disabled={busy}
              data-testid={practice.status === 'published' ? 'unpublish' : 'publish'}
              onClick={() =>
                void run(async () => {
                  await setPublished(practice.id, practice.version, practice.status !== 'published');
                  reload();
                })
              }
            >
              {practice.status === 'published' ? t('practices.admin.unpublish') : t('practices.admin.publish')}
            </button>
          )}
          {practice?.status === 'draft' && (
            <button
              type="button"
              className="button"
              disabled={busy}
              onClick={() => {
                if (!window.confirm(t('practices.admin.deleteConfirm'))) return;
                void run(async () => {
                  await deletePractice(practice.id);
                  void navigate('/admin/practices');
                });
              }}
            >
              {t('practices.admin.delete')}
            </button>
          )}
        </div>
      </form>
      {practice && (
        <section className="card" aria-labelledby="history">
          <h2 id="history">{t('practices.admin.history')}</h2>
          <ol data-testid="practice-history">
            {practice.history.map((h) => (
              <li key={h.version}>
                {formatDateTime(h.at, lng)} — {h.by} — {t(`practices.action.${h.action as 'create'}`, h.action)}
                {h.fields.length > 0 && (
                  <span className="muted"> ({h.fields.filter((x) => x !== 'searchText').join(', ')})</span>
                )}
              </li>
            ))}
          </ol>
        </section>
      )}
    </section>
  );
}

function FormProblems({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (error instanceof ApiError && error.status === 409)
    return (
      <div className="notice notice--error" role="alert">
        <p>{t('practices.admin.stale')}</p>
      </div>
    );
  if (error instanceof ApiError && error.invalidParams.length > 0)
    return (
      <div className="notice notice--error" role="alert" data-testid="practice-problems">
        <p className="notice__title">{t('errors.validation')}</p>
        <ul>
          {error.invalidParams.map((p, i) => (
            <li key={i}>
              {p.name.replace(/^body\.(practice\.)?/, '')}: {p.reason}
            </li>
          ))}
        </ul>
      </div>
    );
  return <ErrorNotice error={error} />;
}
