import { useId, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { QUESTION_ROLES, type QuestionRole, type Roles } from '../../../api/admin';
import type { InvalidParam } from '../../../api/api';
import { getReferenceList, type ReferenceList } from '../../../api/editor';
import { problemText } from '../ProblemList';
import { ConditionBuilder } from './ConditionBuilder';
import {
  CHOICE_TYPES,
  choiceListText,
  choicesOf,
  mergeChoices,
  nameIsSafe,
  parseChoiceList,
  textIn,
  withText,
  type Choice,
  type Element,
  type Json,
  type QuestionType,
} from './ops';
import { TEXT_LOCALES, type TextLocale } from '../../../../../server/src/questionnaires/texts';
import { SmallButton } from '../../../components/form/Buttons';
import { CheckField, option, SelectField, TextAreaField, TextField } from '../../../components/form/Fields';

type Props = {
  question: Element;
  /** The name of the dynamic panel the question is inside (undefined: a question of a page). */
  panel?: string;
  /** The questions a condition may ask about. */
  others: Element[];
  /** Names a rename may not take (the other questions'). */
  taken: Set<string>;
  /** The types the question may change to. */
  types: QuestionType[];
  locale: string;
  roles: Roles;
  problems: InvalidParam[];
  /** Languages its texts lack, and how many texts lack each. */
  untranslated?: Partial<Record<TextLocale, number>>;
  /** A note on the last change of type (with its undo), shown under the type selector. */
  typeChange?: ReactNode;
  onType: (type: QuestionType) => void;
  onPatch: (patch: Json, coalesce?: string) => void;
  onRename: (name: string) => void;
  onRoles: (roles: Roles) => void;
};

const VALIDATOR_TYPES = ['numeric', 'text', 'regex', 'email', 'answercount'] as const;
type ValidatorType = (typeof VALIDATOR_TYPES)[number];
type Param = 'minValue' | 'maxValue' | 'minLength' | 'maxLength' | 'regex' | 'minCount' | 'maxCount';
const VALIDATOR_PARAMS: Record<ValidatorType, Param[]> = {
  numeric: ['minValue', 'maxValue'],
  text: ['minLength', 'maxLength'],
  regex: ['regex'],
  email: [],
  answercount: ['minCount', 'maxCount'],
};
const REFERENCE_LISTS: ReferenceList[] = [
  'obstacles',
  'regions',
  'municipality-types',
  'size-classes',
  'respondent-roles',
];

/** The properties of one question: texts in the editing language, choices, validators, role, conditions. */
export function QuestionForm({
  question: q,
  panel,
  others,
  taken,
  types,
  locale,
  roles,
  problems,
  untranslated,
  typeChange,
  onType,
  onPatch,
  onRename,
  onRoles,
}: Props) {
  const { t } = useTranslation();
  const id = useId();
  const [name, setName] = useState(q.name);
  // A rename elsewhere (undo, redo) shows in the field.
  const [shownName, setShownName] = useState(q.name);
  if (shownName !== q.name) {
    setShownName(q.name);
    setName(q.name);
  }
  const nameOk = nameIsSafe(name);
  const commitName = () => {
    // An unsafe name is kept in the draft (and shown as a problem): the server refuses it on saving.
    if (name !== q.name && name && !taken.has(name)) onRename(name);
  };
  const nameTaken = name !== q.name && taken.has(name);
  // Shown as the server words it in a wave's refusal (`missing_translations`), in the user's language.
  const short = TEXT_LOCALES.filter((l) => (untranslated?.[l] ?? 0) > 0);
  const translationProblem: InvalidParam | null = short.length
    ? {
        name: q.name,
        code: 'missing_translations',
        reason: `texts without a translation: ${short.map((l) => `${l} ${untranslated![l]}`).join(', ')}`,
      }
    : null;
  /** A checkbox of a property that is true or absent. */
  const flag = (suffix: string, prop: 'isRequired' | 'showOtherItem' | 'showNoneItem', label: string) => (
    <CheckField
      id={`${id}-${suffix}`}
      label={label}
      checked={q[prop] === true}
      onChange={(on) => onPatch({ [prop]: on || undefined })}
    />
  );
  const text = (prop: string) => textIn(q[prop], locale);
  const setText = (prop: string, value: string) => onPatch({ [prop]: withText(q[prop], locale, value) }, prop);
  const myRole = QUESTION_ROLES.find((r) => roles[r] === q.name) ?? '';
  const isChoice = CHOICE_TYPES.has(q.type);

  return (
    <section className="card editor-form" aria-labelledby={`${id}-h`} data-testid="question-form">
      <h2 id={`${id}-h`}>
        {t('editor.question')} <code>{q.name}</code>{' '}
        <span className="muted">({t(`editor.type.${q.type}`, q.type)})</span>
      </h2>
      {panel && (
        <p className="muted small" data-testid="question-panel">
          {t('editor.insidePanel', { name: panel })}
        </p>
      )}
      {problems.length > 0 && (
        <ul className="notice notice--error editor-problems" role="alert" data-testid="question-problems">
          {problems.map((p, i) => (
            <li key={i}>{problemText(t, p, 'questionnaire').what}</li>
          ))}
        </ul>
      )}
      {translationProblem && (
        <p className="notice notice--warning editor-problems" data-testid="question-translations">
          {problemText(t, translationProblem, 'questionnaire').what}
        </p>
      )}
      <SelectField
        id={`${id}-type`}
        label={t('editor.changeType')}
        hint={t('editor.changeTypeHint')}
        after={typeChange}
        value={q.type}
        onChange={(e) => onType(e.target.value as QuestionType)}
        choices={types.map((ty) => ({ value: ty, label: t(`editor.type.${ty}`) }))}
      >
        {!types.includes(q.type as QuestionType) && <option value={q.type}>{q.type}</option>}
      </SelectField>
      <TextField
        id={`${id}-name`}
        label={t('editor.name')}
        hint={nameTaken ? t('editor.nameTaken') : nameOk ? t('editor.nameHint') : t('editor.nameUnsafe')}
        hintClass={!nameOk || nameTaken ? 'field__error' : 'field__hint'}
        value={name}
        spellCheck={false}
        aria-invalid={!nameOk || nameTaken}
        onChange={(e) => setName(e.target.value)}
        onBlur={commitName}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            commitName();
          }
        }}
      />
      {q.type !== 'html' && (
        <>
          {(['title', 'description'] as const).map((prop) => (
            <TextAreaField
              key={prop}
              id={`${id}-${prop === 'title' ? 'title' : 'desc'}`}
              label={t(prop === 'title' ? 'editor.titleIn' : 'editor.descriptionIn', { lang: locale })}
              rows={2}
              value={text(prop)}
              onChange={(e) => setText(prop, e.target.value)}
            />
          ))}
          {flag('req', 'isRequired', t('editor.required'))}
        </>
      )}
      {q.type === 'html' && (
        <TextAreaField
          id={`${id}-html`}
          label={t('editor.htmlIn', { lang: locale })}
          rows={4}
          value={text('html')}
          onChange={(e) => setText('html', e.target.value)}
        />
      )}
      {isChoice && (
        <ChoicesEditor
          label={t('editor.choices')}
          choices={choicesOf(q)}
          locale={locale}
          onChange={(choices) => onPatch({ choices })}
        />
      )}
      {isChoice && q.type !== 'ranking' && (
        <div className="field-row">
          {flag('other', 'showOtherItem', t('editor.other'))}
          {q.type === 'checkbox' && flag('none', 'showNoneItem', t('editor.none'))}
          {q.type === 'dropdown' && (
            <CheckField
              id={`${id}-search`}
              label={t('editor.search')}
              checked={q.searchEnabled !== false}
              onChange={(on) => onPatch({ searchEnabled: on })}
            />
          )}
        </div>
      )}
      {q.type === 'matrix' && (
        <>
          <ChoicesEditor
            label={t('editor.rows')}
            choices={choicesOf(q, 'rows')}
            locale={locale}
            onChange={(rows) => onPatch({ rows })}
          />
          <ChoicesEditor
            label={t('editor.columns')}
            choices={choicesOf(q, 'columns')}
            locale={locale}
            onChange={(columns) => onPatch({ columns })}
          />
        </>
      )}
      {q.type === 'text' && (
        <div className="field-row">
          <SelectField
            id={`${id}-input`}
            label={t('editor.inputType')}
            value={typeof q.inputType === 'string' ? q.inputType : 'text'}
            onChange={(e) => onPatch({ inputType: e.target.value === 'text' ? undefined : e.target.value })}
            choices={(['text', 'number', 'email', 'date', 'tel'] as const).map((v) => ({
              value: v,
              label: t(`editor.input.${v}`),
            }))}
          />
          {q.inputType === 'number' && (
            <>
              <NumberField label={t('editor.min')} value={q.min} onChange={(min) => onPatch({ min }, 'min')} />
              <NumberField label={t('editor.max')} value={q.max} onChange={(max) => onPatch({ max }, 'max')} />
            </>
          )}
        </div>
      )}
      {q.type === 'rating' && (
        <div className="field-row">
          {(
            [
              ['rateMin', t('editor.rateMin'), 1, 'rmin'],
              ['rateMax', t('editor.rateMax'), 5, 'rmax'],
            ] as const
          ).map(([prop, label, fallback, coalesce]) => (
            <NumberField
              key={prop}
              label={label}
              value={q[prop] ?? fallback}
              onChange={(v) => onPatch({ [prop]: v }, coalesce)}
            />
          ))}
        </div>
      )}
      {q.type === 'paneldynamic' && (
        <>
          <div className="field-row">
            <NumberField
              label={t('editor.panelCount')}
              value={q.panelCount ?? 0}
              onChange={(v) => onPatch({ panelCount: v || undefined }, 'pcount')}
            />
          </div>
          <p className="muted small">{t('editor.panelNote')}</p>
        </>
      )}

      {q.type !== 'html' && <Validators q={q} onPatch={onPatch} />}

      {q.type !== 'html' && !panel && (
        <SelectField
          id={`${id}-role`}
          label={t('editor.role')}
          hint={t('editor.roleHint')}
          value={myRole}
          onChange={(e) => {
            const next: Roles = {};
            for (const r of QUESTION_ROLES) if (roles[r] && roles[r] !== q.name) next[r] = roles[r];
            if (e.target.value) next[e.target.value as QuestionRole] = q.name;
            onRoles(next);
          }}
          empty={t('questionRoles.noQuestion')}
          choices={QUESTION_ROLES.map((r) => ({ value: r, label: t(`questionRoles.role.${r}`) }))}
        />
      )}

      {(['visibleIf', 'enableIf', 'requiredIf'] as const).map((p) => (
        <ConditionBuilder
          key={p}
          property={p}
          expression={typeof q[p] === 'string' ? (q[p] as string) : ''}
          questions={others}
          locale={locale}
          onChange={(expr) => onPatch({ [p]: expr })}
        />
      ))}
    </section>
  );
}

function NumberField({
  label,
  value,
  onChange,
}: {
  label: string;
  value: unknown;
  onChange: (v: number | undefined) => void;
}) {
  const id = useId();
  return (
    <TextField
      id={id}
      label={label}
      type="number"
      value={typeof value === 'number' ? value : ''}
      onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))}
    />
  );
}

/** Choices (or rows, columns) as `code | text` lines: typed, pasted, or imported from a reference list. */
function ChoicesEditor({
  label,
  choices,
  locale,
  onChange,
}: {
  label: string;
  choices: Choice[];
  locale: string;
  onChange: (c: Choice[]) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const shown = choiceListText(choices, locale);
  const [draft, setDraft] = useState(shown);
  const [last, setLast] = useState(shown);
  if (last !== shown) {
    setLast(shown);
    setDraft(shown);
  }
  const [list, setList] = useState<ReferenceList>('obstacles');
  const [error, setError] = useState<string | null>(null);
  const apply = () => {
    if (draft !== shown) onChange(mergeChoices(choices, parseChoiceList(draft, locale), locale));
  };
  const importList = async () => {
    setError(null);
    try {
      const items = await getReferenceList(list);
      onChange(
        items.map((it) => {
          const names = 'names' in it ? it.names : it.labels;
          return { value: it.code, text: names ? { ru: names.ru, uk: names.uk, en: names.en } : undefined };
        }),
      );
    } catch {
      setError(t('editor.importFailed'));
    }
  };
  return (
    <div className="field editor-choices">
      <label htmlFor={`${id}-list`}>{label}</label>
      <textarea
        id={`${id}-list`}
        rows={Math.min(10, Math.max(3, choices.length + 1))}
        spellCheck={false}
        className="code-input"
        aria-describedby={`${id}-hint`}
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={apply}
      />
      <p id={`${id}-hint`} className="field__hint">
        {t('editor.choicesHint', { lang: locale })}
      </p>
      <div className="field-row">
        <SmallButton secondary onClick={apply}>
          {t('editor.applyList')}
        </SmallButton>
        <label htmlFor={`${id}-ref`} className="visually-hidden">
          {t('editor.referenceList')}
        </label>
        <select id={`${id}-ref`} value={list} onChange={(e) => setList(e.target.value as ReferenceList)}>
          {REFERENCE_LISTS.map((l) => option(l, t(`editor.ref.${l}`)))}
        </select>
        <SmallButton secondary onClick={() => void importList()}>
          {t('editor.importList')}
        </SmallButton>
      </div>
      {error && (
        <p className="field__error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/** Validators from a safe set: numeric range, text length, pattern (run in RE2 on the server), e-mail, answer count. */
function Validators({ q, onPatch }: { q: Element; onPatch: (patch: Json, coalesce?: string) => void }) {
  const { t } = useTranslation();
  const id = useId();
  const list = (Array.isArray(q.validators) ? q.validators : []) as Json[];
  const [type, setType] = useState<ValidatorType>('numeric');
  const set = (next: Json[], coalesce?: string) => onPatch({ validators: next.length ? next : undefined }, coalesce);
  return (
    <fieldset className="editor-validators">
      <legend>{t('editor.validators')}</legend>
      {list.length === 0 && <p className="muted small">{t('editor.noValidators')}</p>}
      <ul>
        {list.map((v, i) => {
          const vt = String(v.type) as ValidatorType;
          return (
            <li key={i} className="field-row">
              <span>{t(`editor.validator.${vt}`, vt)}</span>
              {(VALIDATOR_PARAMS[vt] ?? []).map((p) => (
                <label key={p} className="field field--inline">
                  <span>{t(`editor.param.${p}`)}</span>
                  <input
                    type={p === 'regex' ? 'text' : 'number'}
                    spellCheck={false}
                    value={v[p] === undefined ? '' : String(v[p])}
                    onChange={(e) => {
                      const raw = e.target.value;
                      const value = raw === '' ? undefined : p === 'regex' ? raw : Number(raw);
                      set(
                        list.map((x, j) => {
                          if (j !== i) return x;
                          const n = { ...x, [p]: value };
                          if (value === undefined) delete n[p];
                          return n;
                        }),
                        `v${i}${p}`,
                      );
                    }}
                  />
                </label>
              ))}
              <SmallButton
                secondary
                aria-label={t('editor.removeValidator', { n: i + 1 })}
                onClick={() => set(list.filter((_, j) => j !== i))}
              >
                ✕
              </SmallButton>
            </li>
          );
        })}
      </ul>
      <div className="field-row">
        <label htmlFor={`${id}-type`} className="visually-hidden">
          {t('editor.validatorType')}
        </label>
        <select id={`${id}-type`} value={type} onChange={(e) => setType(e.target.value as ValidatorType)}>
          {VALIDATOR_TYPES.map((v) => option(v, t(`editor.validator.${v}`)))}
        </select>
        <SmallButton secondary onClick={() => set([...list, { type }])}>
          {t('editor.addValidator')}
        </SmallButton>
      </div>
    </fieldset>
  );
}
