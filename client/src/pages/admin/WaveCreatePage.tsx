import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { createWave } from '../../api/admin';
import { PageHeading } from '../../components/PageHeading';
import { useAction } from '../../lib/useAction';
import { AdminNav } from './AdminNav';
import { dateInputToIso } from './dates';
import { ProblemList } from './ProblemList';
import { AllowMissingTranslations, EMPTY_WAVE_FORM, missingTranslations, useWaveForm, WaveFields } from './WaveFields';

/** /admin/waves/new — a new draft wave. */
export default function WaveCreatePage() {
  const { t } = useTranslation();
  const id = useId();
  const navigate = useNavigate();
  const { form, set } = useWaveForm(EMPTY_WAVE_FORM);
  // On a refusal everything typed stays in the form.
  const { busy, error, run } = useAction();
  const [allowMissing, setAllowMissing] = useState(false);
  // Offered once the server refused the version for missing translations (issue 19).
  const missingLanguages = missingTranslations(error);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await run(async () => {
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
    });
  };

  return (
    <section className="page admin-page">
      <AdminNav />
      <PageHeading title={t('admin.form.title')}>{t('admin.form.title')}</PageHeading>
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
        <WaveFields id={id} form={form} set={set} />
        {error !== null && <ProblemList error={error} title={t('admin.form.problemsTitle')} kind="form" />}
        {(missingLanguages || allowMissing) && (
          <AllowMissingTranslations id={id} checked={allowMissing} onChange={setAllowMissing} />
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
