import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { createWave } from '../../api/admin';
import { PageHeading } from '../../components/PageHeading';
import { useAction } from '../../lib/useAction';
import { AdminNav } from './AdminNav';
import { dateInputToIso } from './dates';
import { TextField } from '../../components/form/Fields';
import { EMPTY_WAVE_FORM, useWaveForm, WaveFields, WaveFormEnd } from './WaveFields';

/** /admin/waves/new — a new draft wave. */
export default function WaveCreatePage() {
  const { t } = useTranslation();
  const id = useId();
  const navigate = useNavigate();
  const { form, set } = useWaveForm(EMPTY_WAVE_FORM);
  // On a refusal everything typed stays in the form.
  const action = useAction();
  const allow = useState(false);
  const [allowMissing] = allow;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await action.run(async () => {
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
        <TextField
          id={`${id}-code`}
          label={t('admin.form.code')}
          hint={t('admin.form.codeHint')}
          name="code"
          required
          maxLength={64}
          pattern="[A-Za-z0-9_\-]+"
          value={form.code}
          onChange={(e) => set('code', e.target.value)}
        />
        <WaveFields id={id} form={form} set={set} />
        <WaveFormEnd id={id} form="create" action={action} allow={allow}>
          <Link to="/admin/waves" className="button button--secondary">
            {t('admin.cancel')}
          </Link>
        </WaveFormEnd>
      </form>
    </section>
  );
}
