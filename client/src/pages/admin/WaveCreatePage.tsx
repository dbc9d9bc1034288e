import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { ApiError, listRegions } from '../../api/api';
import { createWave, listQuestionnaires } from '../../api/admin';
import { ErrorNotice } from '../../components/ErrorNotice';
import { PageHeading } from '../../components/PageHeading';
import { useRequest } from '../../lib/useRequest';
import { AdminNav } from './AdminNav';
import { dateInputToIso } from './dates';
import { ProblemList } from './ProblemList';
import { EMPTY_WAVE_FORM, WaveFields, type WaveForm } from './WaveFields';

/** /admin/waves/new — a new draft wave. */
export default function WaveCreatePage() {
  const { t } = useTranslation();
  const id = useId();
  const navigate = useNavigate();
  const questionnaires = useRequest((signal) => listQuestionnaires(signal), 'create-q');
  const regions = useRequest((signal) => listRegions(signal), 'create-r');
  const [form, setForm] = useState<WaveForm>(EMPTY_WAVE_FORM);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [allowMissing, setAllowMissing] = useState(false);
  // Offered once the server refused the version for missing translations (issue 19).
  const missingLanguages =
    error instanceof ApiError && error.invalidParams.some((p) => p.code === 'missing_translations');
  const set = <K extends keyof WaveForm>(k: K, v: WaveForm[K]) => setForm((f) => ({ ...f, [k]: v }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const wave = await createWave({
        code: form.code.trim(),
        title: { ru: form.titleRu, uk: form.titleUk, en: form.titleEn },
        questionnaireId: form.questionnaireId,
        opensAt: dateInputToIso(form.opensAt),
        closesAt: dateInputToIso(form.closesAt),
        scope: { countries: form.countries, regions: form.regions },
        access: form.access,
        anonymous: form.anonymous,
        noRegionalBreakdown: form.noRegionalBreakdown,
        ...(allowMissing ? { allowMissingTranslations: true } : {}),
      });
      navigate(`/admin/waves/${encodeURIComponent(wave.code)}`);
    } catch (err) {
      setError(err); // everything typed stays in the form
      setBusy(false);
    }
  };

  return (
    <section className="page admin-page">
      <AdminNav />
      <PageHeading title={t('admin.form.title')}>{t('admin.form.title')}</PageHeading>
      {questionnaires.status === 'error' && (
        <ErrorNotice error={questionnaires.error} onRetry={questionnaires.reload} />
      )}
      <form className="card admin-form admin-form--wide" onSubmit={(e) => void submit(e)} data-testid="wave-form">
        <div className="field">
          <label htmlFor={`${id}-code`}>{t('admin.form.code')}</label>
          <input
            id={`${id}-code`}
            name="code"
            required
            maxLength={64}
            pattern="[A-Za-z0-9_\-]+"
            aria-describedby={`${id}-code-hint`}
            value={form.code}
            onChange={(e) => set('code', e.target.value)}
          />
          <p id={`${id}-code-hint`} className="field__hint">
            {t('admin.form.codeHint')}
          </p>
        </div>
        <WaveFields
          id={id}
          form={form}
          set={set}
          questionnaires={questionnaires.status === 'ok' ? questionnaires.data : []}
          regions={regions.status === 'ok' ? regions.data : []}
        />
        {error !== null && <ProblemList error={error} title={t('admin.form.problemsTitle')} kind="form" />}
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
            {busy ? t('admin.form.submitting') : t('admin.form.submit')}
          </button>
          <Link to="/admin/waves" className="button button--secondary">
            {t('admin.cancel')}
          </Link>
        </div>
      </form>
    </section>
  );
}
