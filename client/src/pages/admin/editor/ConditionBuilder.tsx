import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import {
  buildExpression,
  needsValue,
  OPERATORS,
  parseExpression,
  takesList,
  type Clause,
  type Condition,
  type Operator,
  type Scalar,
} from './conditions';
import { choicesOf, textIn, type Element } from './ops';
import { SmallButton } from '../../../components/form/Buttons';
import { SelectField } from '../../../components/form/Fields';

type Props = {
  /** visibleIf, enableIf or requiredIf. */
  property: 'visibleIf' | 'enableIf' | 'requiredIf';
  expression: string;
  /** The questions a condition may ask about (the edited question excluded). */
  questions: Element[];
  locale: string;
  onChange: (expression: string | undefined) => void;
};

const NUMERIC = new Set<Operator>(['greater', 'less', 'greaterorequal', 'lessorequal']);

/** Question, operator and value from lists, joined by and/or; the SurveyJS expression shown below. */
export function ConditionBuilder({ property, expression, questions, locale, onChange }: Props) {
  const { t } = useTranslation();
  const id = useId();
  const parsed = parseExpression(expression);
  const label = t(`editor.cond.${property}`);

  if (!parsed) {
    return (
      <fieldset className="editor-cond" data-testid={`cond-${property}`}>
        <legend>{label}</legend>
        <p className="muted small">{t('editor.cond.readOnly')}</p>
        <code className="editor-cond__expr" data-testid={`cond-${property}-expr`}>
          {expression}
        </code>
        <div className="button-row">
          <SmallButton secondary onClick={() => onChange(undefined)}>
            {t('editor.cond.clear')}
          </SmallButton>
        </div>
      </fieldset>
    );
  }

  const set = (next: Condition) => onChange(buildExpression(next) || undefined);
  const setClause = (i: number, patch: Partial<Clause>) =>
    set({ ...parsed, clauses: parsed.clauses.map((c, j) => (j === i ? { ...c, ...patch } : c)) });
  const add = () => {
    const q = questions[0];
    if (!q) return;
    const first = choicesOf(q)[0];
    set({
      ...parsed,
      clauses: [
        ...parsed.clauses,
        first
          ? { question: q.name, operator: q.type === 'checkbox' ? 'contains' : 'equal', value: first.value }
          : { question: q.name, operator: 'notempty' },
      ],
    });
  };

  return (
    <fieldset className="editor-cond" data-testid={`cond-${property}`}>
      <legend>{label}</legend>
      {parsed.clauses.length === 0 && <p className="muted small">{t('editor.cond.none')}</p>}
      {parsed.clauses.length > 1 && (
        <SelectField
          frame="field field--inline"
          id={`${id}-join`}
          label={t('editor.cond.join')}
          value={parsed.join}
          onChange={(e) => set({ ...parsed, join: e.target.value as 'and' | 'or' })}
          choices={(['and', 'or'] as const).map((j) => ({ value: j, label: t(`editor.cond.${j}`) }))}
        />
      )}
      <ol className="editor-cond__list">
        {parsed.clauses.map((c, i) => {
          const q = questions.find((x) => x.name === c.question);
          const choices = q ? choicesOf(q, q.type === 'matrix' ? 'columns' : 'choices') : [];
          // The "other" and "none" items answer with these values.
          if (q?.showOtherItem) choices.push({ value: 'other', text: t('editor.other') });
          if (q?.showNoneItem) choices.push({ value: 'none', text: t('editor.none') });
          const n = i + 1;
          return (
            <li key={i} className="editor-cond__clause">
              <select
                aria-label={t('editor.cond.question', { n })}
                value={c.question}
                onChange={(e) => setClause(i, { question: e.target.value, value: undefined })}
              >
                {!q && <option value={c.question}>{c.question}</option>}
                {questions.map((x) => (
                  <option key={x.name} value={x.name}>
                    {x.name} — {textIn(x.title, locale).slice(0, 50)}
                  </option>
                ))}
              </select>
              <select
                aria-label={t('editor.cond.operator', { n })}
                value={c.operator}
                onChange={(e) => {
                  const op = e.target.value as Operator;
                  const v = c.value;
                  const value = !needsValue(op)
                    ? undefined
                    : takesList(op)
                      ? Array.isArray(v)
                        ? v
                        : v !== undefined
                          ? [v]
                          : []
                      : Array.isArray(v)
                        ? v[0]
                        : v;
                  setClause(i, { operator: op, value });
                }}
              >
                {OPERATORS.map((op) => (
                  <option key={op} value={op}>
                    {t(`editor.op.${op}`)}
                  </option>
                ))}
              </select>
              {needsValue(c.operator) && (
                <ValueInput
                  clause={c}
                  label={t('editor.cond.value', { n })}
                  choices={choices.map((ch) => ({
                    value: ch.value,
                    text: textIn(ch.text, locale) || String(ch.value),
                  }))}
                  isBoolean={q?.type === 'boolean'}
                  onChange={(value) => setClause(i, { value })}
                />
              )}
              <SmallButton
                secondary
                aria-label={t('editor.cond.removeN', { n })}
                onClick={() => set({ ...parsed, clauses: parsed.clauses.filter((_, j) => j !== i) })}
              >
                ✕
              </SmallButton>
            </li>
          );
        })}
      </ol>
      <SmallButton secondary onClick={add} disabled={!questions.length}>
        {t('editor.cond.add')}
      </SmallButton>
      {expression && (
        <p className="small">
          {t('editor.cond.expression')}{' '}
          <code className="editor-cond__expr" data-testid={`cond-${property}-expr`}>
            {expression}
          </code>
        </p>
      )}
    </fieldset>
  );
}

function ValueInput({
  clause,
  label,
  choices: listedChoices,
  isBoolean,
  onChange,
}: {
  clause: Clause;
  label: string;
  choices: { value: string | number; text: string }[];
  isBoolean: boolean;
  onChange: (v: Scalar | Scalar[]) => void;
}) {
  const { t } = useTranslation();
  let choices = listedChoices;
  const typed = (raw: string): Scalar => {
    const c = choices.find((x) => String(x.value) === raw);
    if (c) return c.value;
    if (NUMERIC.has(clause.operator) && raw.trim() !== '' && !Number.isNaN(Number(raw))) return Number(raw);
    return raw;
  };
  // A value the question does not list (any more) is still shown as it is, never as another choice.
  const listed = new Set(choices.map((c) => String(c.value)));
  const given = (Array.isArray(clause.value) ? clause.value : clause.value === undefined ? [] : [clause.value]).filter(
    (v) => !listed.has(String(v)),
  );
  if (listedChoices.length)
    choices = [...given.map((v) => ({ value: typeof v === 'number' ? v : String(v), text: String(v) })), ...choices];
  if (takesList(clause.operator) && choices.length) {
    const selected = (Array.isArray(clause.value) ? clause.value : []).map(String);
    return (
      <select
        multiple
        aria-label={label}
        value={selected}
        size={Math.min(5, choices.length)}
        onChange={(e) => onChange([...e.target.selectedOptions].map((o) => typed(o.value)))}
      >
        {choices.map((c) => (
          <option key={String(c.value)} value={String(c.value)}>
            {c.text}
          </option>
        ))}
      </select>
    );
  }
  if (takesList(clause.operator)) {
    const list = Array.isArray(clause.value) ? clause.value : [];
    return (
      <input
        aria-label={label}
        value={list.join(', ')}
        placeholder={t('editor.cond.listHint')}
        onChange={(e) =>
          onChange(
            e.target.value
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean)
              .map(typed),
          )
        }
      />
    );
  }
  const value = Array.isArray(clause.value) ? clause.value[0] : clause.value;
  if (isBoolean)
    return (
      <select aria-label={label} value={String(value ?? true)} onChange={(e) => onChange(e.target.value === 'true')}>
        <option value="true">{t('editor.cond.yes')}</option>
        <option value="false">{t('editor.cond.no')}</option>
      </select>
    );
  if (choices.length && !NUMERIC.has(clause.operator))
    return (
      <select aria-label={label} value={String(value ?? '')} onChange={(e) => onChange(typed(e.target.value))}>
        {value === undefined && <option value="">—</option>}
        {choices.map((c) => (
          <option key={String(c.value)} value={String(c.value)}>
            {c.text}
          </option>
        ))}
      </select>
    );
  return (
    <input
      aria-label={label}
      inputMode={NUMERIC.has(clause.operator) ? 'decimal' : undefined}
      value={value === undefined ? '' : String(value)}
      onChange={(e) => onChange(typed(e.target.value))}
    />
  );
}
