import { useCallback, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, listRegions } from '../../api/api';
import { listQuestionnaires, type NewWave, type WaveAdmin, type WaveScope } from '../../api/admin';
import { ErrorNotice } from '../../components/ErrorNotice';
import { SubmitButton } from '../../components/form/Buttons';
import { CheckField, SelectField, TextField } from '../../components/form/Fields';
import { currentLocale } from '../../i18n';
import { pick } from '../../lib/format';
import { useRequest } from '../../lib/useRequest';
import { isoToDateInput } from './dates';
import { ProblemList } from './ProblemList';
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
  return <CheckField id={`${id}-allow`} label={t('editor.clone.allowMissing')} checked={checked} onChange={onChange} />;
}

/**
 * The end of the create and edit forms: the server's problems, "use the version anyway" once it
 * refused it for missing translations (issue 19), the submit button and `children` (a cancel).
 */
export function WaveFormEnd({
  id,
  form,
  action: { busy, error },
  allow: [allowMissing, setAllowMissing],
  children,
}: {
  id: string;
  /** Which form: its texts. */
  form: 'create' | 'edit';
  action: { busy: boolean; error: unknown };
  /** Whether to send allowMissingTranslations, and its setter. */
  allow: [boolean, (allow: boolean) => void];
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const [problems, label, busyLabel] =
    form === 'create'
      ? [t('admin.form.problemsTitle'), t('admin.form.submit'), t('admin.form.submitting')]
      : [t('admin.wave.editProblems'), t('admin.wave.editSave'), t('admin.wave.editSaving')];
  return (
    <>
      {error !== null && <ProblemList error={error} title={problems} kind="form" />}
      {(missingTranslations(error) || allowMissing) && (
        <AllowMissingTranslations id={id} checked={allowMissing} onChange={setAllowMissing} />
      )}
      <div className="form-actions">
        <SubmitButton busy={busy} label={label} busyLabel={busyLabel} />
        {children}
      </div>
    </>
  );
}

const TITLE_KEYS = { ru: 'titleRu', uk: 'titleUk', en: 'titleEn' } as const;

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
  /** A control of a field group: disabled while locked, and then described by the lock's hint. */
  const lock = (field: WaveFieldGroup, ...ids: string[]) => ({
    disabled: locked(field),
    'aria-describedby': described(field, ...ids),
  });
  const flag = (name: 'anonymous' | 'noRegionalBreakdown', label: string) => (
    <label className="choice">
      <input type="checkbox" name={name} checked={form[name]} onChange={(e) => set(name, e.target.checked)} />
      {label}
    </label>
  );
  const titleField = (lang: 'ru' | 'uk' | 'en') => {
    const key = TITLE_KEYS[lang];
    const label = t(`admin.form.${key}`);
    return (
      <TextField
        id={`${id}-${lang}`}
        label={
          lang === 'ru' ? (
            label
          ) : (
            <>
              {label} <span className="muted">({t('admin.form.optional')})</span>
            </>
          )
        }
        name={key}
        required={lang === 'ru'}
        maxLength={200}
        {...lock('title')}
        value={form[key]}
        onChange={(e) => set(key, e.target.value)}
      />
    );
  };
  const dateField = (key: 'opensAt' | 'closesAt', suffix: string) => (
    <TextField
      id={`${id}-${suffix}`}
      label={t(`admin.form.${key}`)}
      type="date"
      name={key}
      {...lock(key, `${id}-dates-hint`)}
      value={form[key]}
      onChange={(e) => set(key, e.target.value)}
    />
  );

  return (
    <>
      {library.status === 'error' && <ErrorNotice error={library.error} onRetry={library.reload} />}
      {titleField('ru')}
      <div className="field-row">
        {titleField('uk')}
        {titleField('en')}
      </div>
      <SelectField
        id={`${id}-q`}
        label={t('admin.form.questionnaire')}
        name="questionnaireId"
        required
        {...lock('questionnaireId')}
        value={form.questionnaireId}
        onChange={(e) => set('questionnaireId', e.target.value)}
        empty={t('admin.form.chooseQuestionnaire')}
        choices={questionnaires.map((q) => ({
          value: q.id,
          label: t('admin.form.questionnaireOption', { title: pick(q.title, lng), key: q.key, version: q.version }),
        }))}
      >
        {missing && <option value={form.questionnaireId}>{form.questionnaireId}</option>}
      </SelectField>
      <div className="field-row">
        {dateField('opensAt', 'opens')}
        {dateField('closesAt', 'closes')}
      </div>
      <p id={`${id}-dates-hint`} className="field__hint">
        {t('admin.form.dateHint')}
      </p>
      <fieldset className="fieldset" {...lock('scope')}>
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
      <fieldset className="fieldset" {...lock('access')}>
        <legend>{t('admin.form.access')}</legend>
        {(['invitation', 'public'] as const).map((a) => (
          <label key={a} className="choice">
            <input type="radio" name="access" value={a} checked={form.access === a} onChange={() => set('access', a)} />
            {a === 'public' ? t('admin.form.accessPublic') : t('admin.form.accessInvitation')}
          </label>
        ))}
      </fieldset>
      <fieldset className="fieldset" {...lock('anonymous')}>
        <legend>{t('admin.form.anonymity')}</legend>
        {flag('anonymous', t('admin.form.anonymous'))}
      </fieldset>
      <fieldset className="fieldset" {...lock('noRegionalBreakdown')}>
        <legend>{t('questionRoles.breakdownLegend')}</legend>
        {flag('noRegionalBreakdown', t('questionRoles.noBreakdown'))}
        {noRegionQuestion && (
          <p className="field__hint" data-testid="no-region-hint">
            {form.access === 'public' ? t('questionRoles.noRegionPublic') : t('questionRoles.noRegionInvitation')}
          </p>
        )}
      </fieldset>
    </>
  );
}
