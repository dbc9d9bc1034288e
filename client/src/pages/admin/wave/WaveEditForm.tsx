import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { updateWave, type WaveAdmin, type WaveUpdate } from '../../../api/admin';
import { useAction } from '../../../lib/useAction';
import { dateInputToIso } from '../dates';
import { CardForm } from '../../../components/form/CardForm';
import { useWaveForm, waveToForm, WaveFields, type WaveFieldGroup, type WaveForm, WaveFormEnd } from '../WaveFields';

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

/** The wave's settings as a form; only the fields the server says are editable now can change. */
export function WaveEditForm({
  wave: w,
  onCancel,
  onSaved,
}: {
  wave: WaveAdmin;
  onCancel: () => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const draft = w.status === 'draft';
  const [before] = useState(() => waveToForm(w));
  const { form, set } = useWaveForm(before);
  // On a refusal everything typed stays in the form.
  const action = useAction();
  const allow = useState(false);
  const [allowMissing] = allow;
  const locked = (f: WaveFieldGroup) => !w.editableFields.includes(f);
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus(), []);

  const submit = async () => {
    const body = patchOf(w, before, form);
    if (Object.keys(body).length === 0) {
      onCancel();
      return;
    }
    if (await action.run(() => updateWave(w.code, allowMissing ? { ...body, allowMissingTranslations: true } : body)))
      onSaved();
  };

  return (
    <CardForm
      className="card admin-form admin-form--wide wave-edit"
      title={t('admin.wave.editTitle')}
      headingRef={headingRef}
      onSubmit={submit}
      data-testid="wave-edit"
    >
      {!draft && (
        <p id={`${id}-locked`} className="notice notice--info" data-testid="wave-edit-locked">
          {t(w.status === 'open' ? 'admin.wave.locked.open' : 'admin.wave.locked.closed')}
        </p>
      )}
      <WaveFields id={id} form={form} set={set} locked={locked} lockedHintId={draft ? undefined : `${id}-locked`} />
      <WaveFormEnd id={id} form="edit" action={action} allow={allow}>
        <button type="button" className="button button--secondary" onClick={onCancel}>
          {t('admin.cancel')}
        </button>
      </WaveFormEnd>
    </CardForm>
  );
}
