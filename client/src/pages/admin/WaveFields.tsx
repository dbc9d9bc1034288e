import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, listRegions } from '../../api/api';
import { listQuestionnaires, type NewWave, type WaveAdmin, type WaveScope } from '../../api/admin';
import { ErrorNotice } from '../../components/ErrorNotice';
import { currentLocale } from '../../i18n';
import { pick } from '../../lib/format';
import { useRequest } from '../../lib/useRequest';
import { isoToDateInput } from './dates';
import { RegionPicker } from './RegionPicker';

/** A wave's fields as the form holds them (dates as `<input type="date">` values). */
export type WaveForm = {
  code: string;
  titleRu: string;
  titleUk: string;
  titleEn: string;
  questionnaireId: string;
  opensAt: string;
  closesAt: string;
  countries: WaveScope['countries'];
  regions: string[];
  access: NewWave['access'];
  anonymous: boolean;
  noRegionalBreakdown: boolean;
};

export const EMPTY_WAVE_FORM: WaveForm = {
  code: '',
  titleRu: '',
  titleUk: '',
  titleEn: '',
  questionnaireId: '',
  opensAt: '',
  closesAt: '',
  countries: ['RU'],
  regions: [],
  access: 'invitation',
  anonymous: false,
  noRegionalBreakdown: false,
};

export function waveToForm(w: WaveAdmin): WaveForm {
  return {
    code: w.code,
    titleRu: w.title.ru,
    titleUk: w.title.uk,
    titleEn: w.title.en,
    questionnaireId: w.questionnaireId,
    opensAt: isoToDateInput(w.opensAt),
    closesAt: isoToDateInput(w.closesAt),
    countries: w.scope.countries,
    regions: w.scope.regions,
    access: w.access,
    anonymous: w.anonymous,
    noRegionalBreakdown: w.noRegionalBreakdown,
  };
}

/** The groups of fields a wave's state may lock (the server's rule: see waves.service EDITABLE). */
export type WaveFieldGroup =
  'title' | 'questionnaireId' | 'opensAt' | 'closesAt' | 'scope' | 'access' | 'anonymous' | 'noRegionalBreakdown';

type SetField = <K extends keyof WaveForm>(k: K, v: WaveForm[K]) => void;

/** The form's values and a setter of one field. */
export function useWaveForm(initial: WaveForm | (() => WaveForm)): { form: WaveForm; set: SetField } {
  const [form, setForm] = useState<WaveForm>(initial);
  const set = useCallback<SetField>((k, v) => setForm((f) => ({ ...f, [k]: v })), []);
  return { form, set };
}

/** Whether the server refused the questionnaire version for missing translations (issue 19). */
export function missingTranslations(error: unknown): boolean {
  return error instanceof ApiError && error.invalidParams.some((p) => p.code === 'missing_translations');
}

/** "Use the version although translations are missing" (sent as allowMissingTranslations). */
export function AllowMissingTranslations({
  id,
  checked,
  onChange,
}: {
  id: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
}) {
  const { t } = useTranslation();
  return (
    <div className="field field--check">
      <input id={`${id}-allow`} type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} />
      <label htmlFor={`${id}-allow`}>{t('editor.clone.allowMissing')}</label>
    </div>
  );
}

type Props = {
  id: string;
  form: WaveForm;
  set: SetField;
  /** Fields that cannot change now; they are shown disabled and described by `lockedHintId`. */
  locked?: (field: WaveFieldGroup) => boolean;
  lockedHintId?: string;
};

/** Title, questionnaire, dates, scope, access and anonymity: shared by the create and edit forms. */
export function WaveFields({ id, form, set, locked = () => false, lockedHintId }: Props) {
  const { t, i18n } = useTranslation();
  const lng = currentLocale(i18n.language);
  const library = useRequest((signal) => listQuestionnaires(signal), 'wave-fields-q');
  const regionList = useRequest((signal) => listRegions(signal), 'wave-fields-r');
  const questionnaires = library.status === 'ok' ? library.data : [];
  const regions = regionList.status === 'ok' ? regionList.data : [];
  const described = (field: WaveFieldGroup, ...ids: string[]) =>
    [...ids, locked(field) ? lockedHintId : undefined].filter(Boolean).join(' ') || undefined;
  const regionChoices = regions.filter((r) => form.countries.includes(r.country as 'RU' | 'UA'));
  // The wave's own version stays choosable even if the list has not loaded it.
  const missing = form.questionnaireId !== '' && !questionnaires.some((q) => q.id === form.questionnaireId);
  const chosen = questionnaires.find((q) => q.id === form.questionnaireId);
  const noRegionQuestion = Boolean(chosen && !chosen.roles.region);

  return (
    <>
      {library.status === 'error' && <ErrorNotice error={library.error} onRetry={library.reload} />}
      <div className="field">
        <label htmlFor={`${id}-ru`}>{t('admin.form.titleRu')}</label>
        <input
          id={`${id}-ru`}
          name="titleRu"
          required
          maxLength={200}
          disabled={locked('title')}
          aria-describedby={described('title')}
          value={form.titleRu}
          onChange={(e) => set('titleRu', e.target.value)}
        />
      </div>
      <div className="field-row">
        <div className="field">
          <label htmlFor={`${id}-uk`}>
            {t('admin.form.titleUk')} <span className="muted">({t('admin.form.optional')})</span>
          </label>
          <input
            id={`${id}-uk`}
            name="titleUk"
            maxLength={200}
            disabled={locked('title')}
            aria-describedby={described('title')}
            value={form.titleUk}
            onChange={(e) => set('titleUk', e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-en`}>
            {t('admin.form.titleEn')} <span className="muted">({t('admin.form.optional')})</span>
          </label>
          <input
            id={`${id}-en`}
            name="titleEn"
            maxLength={200}
            disabled={locked('title')}
            aria-describedby={described('title')}
            value={form.titleEn}
            onChange={(e) => set('titleEn', e.target.value)}
          />
        </div>
      </div>
      <div className="field">
        <label htmlFor={`${id}-q`}>{t('admin.form.questionnaire')}</label>
        <select
          id={`${id}-q`}
          name="questionnaireId"
          required
          disabled={locked('questionnaireId')}
          aria-describedby={described('questionnaireId')}
          value={form.questionnaireId}
          onChange={(e) => set('questionnaireId', e.target.value)}
        >
          <option value="">{t('admin.form.chooseQuestionnaire')}</option>
          {missing && <option value={form.questionnaireId}>{form.questionnaireId}</option>}
          {questionnaires.map((q) => (
            <option key={q.id} value={q.id}>
              {t('admin.form.questionnaireOption', { title: pick(q.title, lng), key: q.key, version: q.version })}
            </option>
          ))}
        </select>
      </div>
      <div className="field-row">
        <div className="field">
          <label htmlFor={`${id}-opens`}>{t('admin.form.opensAt')}</label>
          <input
            id={`${id}-opens`}
            type="date"
            name="opensAt"
            disabled={locked('opensAt')}
            aria-describedby={described('opensAt', `${id}-dates-hint`)}
            value={form.opensAt}
            onChange={(e) => set('opensAt', e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-closes`}>{t('admin.form.closesAt')}</label>
          <input
            id={`${id}-closes`}
            type="date"
            name="closesAt"
            disabled={locked('closesAt')}
            aria-describedby={described('closesAt', `${id}-dates-hint`)}
            value={form.closesAt}
            onChange={(e) => set('closesAt', e.target.value)}
          />
        </div>
      </div>
      <p id={`${id}-dates-hint`} className="field__hint">
        {t('admin.form.dateHint')}
      </p>
      <fieldset className="fieldset" disabled={locked('scope')} aria-describedby={described('scope')}>
        <legend>{t('admin.form.scope')}</legend>
        <div className="field">
          <span className="field__label" id={`${id}-countries`}>
            {t('admin.form.countries')}
          </span>
          <div className="choice-row" role="group" aria-labelledby={`${id}-countries`}>
            {(['RU', 'UA'] as const).map((c) => (
              <label key={c} className="choice">
                <input
                  type="checkbox"
                  name="countries"
                  value={c}
                  checked={form.countries.includes(c)}
                  onChange={(e) => {
                    const countries = e.target.checked ? [...form.countries, c] : form.countries.filter((x) => x !== c);
                    set('countries', countries);
                    // A region of a country no longer chosen leaves the scope with it.
                    const still = new Set(
                      regions.filter((r) => countries.includes(r.country as 'RU' | 'UA')).map((r) => r.code),
                    );
                    if (regions.length > 0 && form.regions.some((code) => !still.has(code)))
                      set(
                        'regions',
                        form.regions.filter((code) => still.has(code)),
                      );
                  }}
                />
                {t(`admin.form.country.${c}`)}
              </label>
            ))}
          </div>
        </div>
        <RegionPicker
          id={`${id}-regions`}
          regions={regionChoices}
          countries={form.countries}
          value={form.regions}
          onChange={(codes) => set('regions', codes)}
        />
      </fieldset>
      <fieldset className="fieldset" disabled={locked('access')} aria-describedby={described('access')}>
        <legend>{t('admin.form.access')}</legend>
        {(['invitation', 'public'] as const).map((a) => (
          <label key={a} className="choice">
            <input type="radio" name="access" value={a} checked={form.access === a} onChange={() => set('access', a)} />
            {a === 'public' ? t('admin.form.accessPublic') : t('admin.form.accessInvitation')}
          </label>
        ))}
      </fieldset>
      <fieldset className="fieldset" disabled={locked('anonymous')} aria-describedby={described('anonymous')}>
        <legend>{t('admin.form.anonymity')}</legend>
        <label className="choice">
          <input
            type="checkbox"
            name="anonymous"
            checked={form.anonymous}
            onChange={(e) => set('anonymous', e.target.checked)}
          />
          {t('admin.form.anonymous')}
        </label>
      </fieldset>
      <fieldset
        className="fieldset"
        disabled={locked('noRegionalBreakdown')}
        aria-describedby={described('noRegionalBreakdown')}
      >
        <legend>{t('questionRoles.breakdownLegend')}</legend>
        <label className="choice">
          <input
            type="checkbox"
            name="noRegionalBreakdown"
            checked={form.noRegionalBreakdown}
            onChange={(e) => set('noRegionalBreakdown', e.target.checked)}
          />
          {t('questionRoles.noBreakdown')}
        </label>
        {noRegionQuestion && (
          <p className="field__hint" data-testid="no-region-hint">
            {form.access === 'public' ? t('questionRoles.noRegionPublic') : t('questionRoles.noRegionInvitation')}
          </p>
        )}
      </fieldset>
    </>
  );
}
