import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import type { Region } from '../../api/api';
import {
  addCustomCode,
  codeOtherAnswer,
  getTextAnswers,
  uncodeOtherAnswer,
  type AnalysisVariable,
  type TextAnswer,
} from '../../api/analysis';
import { ErrorNotice } from '../../components/ErrorNotice';
import { LabelledSelect } from '../../components/LabelledSelect';
import { pick } from '../../lib/format';
import { useAction } from '../../lib/useAction';
import { useRequest } from '../../lib/useRequest';
import { AnalysisShell, loadAnalysisContext } from './AnalysisShell';
import { useAnalysisParams, useLocale } from './common';
import { fmtNumber } from './numbers';

const PAGE = 50;

/** /w/:code/texts — free-text and "other" answers, searchable; "other" answers can be coded. */
export default function TextsPage() {
  const { code = '' } = useParams();
  const { t } = useTranslation();
  const lng = useLocale();
  const { params, set, filters, key } = useAnalysisParams();
  const q = params.get('q') ?? '';
  const question = params.get('question') ?? '';
  const uncoded = params.get('uncoded') === '1';
  const offset = Number(params.get('offset') ?? 0) || 0;
  const [typed, setTyped] = useState(q);
  const [version, setVersion] = useState(0);
  const context = useRequest((signal) => loadAnalysisContext(code, signal), `${code}#${version}`);
  const answers = useRequest(
    (signal) => getTextAnswers(code, { q, question, uncoded, offset, limit: PAGE }, filters, signal),
    `${code}|${q}|${question}|${uncoded}|${offset}|${key}|${version}`,
  );
  const searchId = useId();

  const search = (e: FormEvent) => {
    e.preventDefault();
    set({ q: typed.trim() || undefined, offset: undefined });
  };

  return (
    <AnalysisShell
      code={code}
      title={t('analysis.texts.title')}
      context={context}
      showProtect={false}
      tools={
        <form className="analysis-pickers card" onSubmit={search} role="search">
          <div className="analysis-filter analysis-filter--wide">
            <label htmlFor={searchId}>{t('analysis.texts.search')}</label>
            <input id={searchId} type="search" value={typed} onChange={(e) => setTyped(e.target.value)} />
          </div>
          {answers.status === 'ok' && (
            <LabelledSelect
              label={t('analysis.texts.question')}
              value={question}
              onChange={(q) => set({ question: q, offset: undefined })}
              width="wide"
            >
              <option value="">{t('analysis.texts.allQuestions')}</option>
              {answers.data.questions.map((x) => (
                <option key={`${x.name}-${x.kind}`} value={x.name}>
                  {pick(x.title, lng) || x.name}
                  {x.kind === 'other' ? ` — ${t('analysis.texts.other')}` : ''}
                </option>
              ))}
            </LabelledSelect>
          )}
          <div className="analysis-filter analysis-filter--check">
            <label>
              <input
                type="checkbox"
                checked={uncoded}
                onChange={(e) => set({ uncoded: e.target.checked ? '1' : undefined, offset: undefined })}
              />{' '}
              {t('analysis.texts.uncoded')}
            </label>
          </div>
          <button type="submit" className="button button--primary">
            {t('analysis.texts.find')}
          </button>
        </form>
      }
      result={answers}
    >
      {answers.status === 'ok' && (
        <>
          <p className="analysis-base" data-testid="texts-total">
            {t('analysis.texts.total', { count: answers.data.total, n: fmtNumber(answers.data.total, lng) })}
          </p>
          {answers.data.items.length === 0 ? (
            <p className="notice">{t('analysis.texts.empty')}</p>
          ) : (
            <ul className="text-answers" data-testid="text-answers">
              {answers.data.items.map((a) => (
                <TextItem
                  key={`${a.responseId}-${a.variable}-${a.kind}`}
                  code={code}
                  answer={a}
                  variables={context.status === 'ok' ? context.data.variables : []}
                  regions={context.status === 'ok' ? context.data.regions : []}
                  onChanged={() => setVersion((v) => v + 1)}
                />
              ))}
            </ul>
          )}
          <div className="analysis-downloads">
            {offset > 0 && (
              <button
                type="button"
                className="button button--small"
                onClick={() => set({ offset: String(Math.max(0, offset - PAGE)) || undefined })}
              >
                {t('analysis.texts.previous')}
              </button>
            )}
            {offset + PAGE < answers.data.total && (
              <button
                type="button"
                className="button button--small"
                onClick={() => set({ offset: String(offset + PAGE) })}
              >
                {t('analysis.texts.next')}
              </button>
            )}
          </div>
        </>
      )}
    </AnalysisShell>
  );
}

function TextItem({
  code,
  answer,
  variables,
  regions,
  onChanged,
}: {
  code: string;
  answer: TextAnswer;
  variables: AnalysisVariable[];
  regions: Region[];
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const lng = useLocale();
  const v = variables.find((x) => x.name === answer.variable);
  const region = regions.find((r) => r.code === answer.region);
  const options = (v?.options ?? []).filter((o) => o.value !== 'other' && o.value !== 'none');
  const [choice, setChoice] = useState(answer.code ?? '');
  const [newCode, setNewCode] = useState('');
  const [newLabel, setNewLabel] = useState('');
  const action = useAction();
  const { busy, error } = action;
  const codeId = useId();
  const labelId = useId();
  const optionLabel = (value: string | null) => {
    const o = v?.options.find((x) => x.value === value);
    return o ? pick(o.labels, lng) || value : value;
  };

  const run = async (change: () => Promise<unknown>) => {
    if (await action.run(change)) onChanged();
  };

  return (
    <li className="card text-answer" data-testid="text-answer">
      <p className="text-answer__meta">
        {pick(region?.names, lng) || answer.region} · {answer.municipality} · {pick(v?.title, lng) || answer.variable}
        {answer.kind === 'other' ? ` — ${t('analysis.texts.other')}` : ''}
      </p>
      <blockquote className="text-answer__text">{answer.text}</blockquote>
      {answer.kind === 'other' && (
        <div className="text-answer__coding">
          <p>
            {answer.code
              ? t('analysis.texts.codedAs', { code: optionLabel(answer.code) })
              : t('analysis.texts.notCoded')}
          </p>
          <div className="analysis-pickers">
            <LabelledSelect label={t('analysis.texts.codeAs')} value={choice} onChange={setChoice}>
              <option value="">{t('analysis.pickCode')}</option>
              {options.map((o) => (
                <option key={o.value} value={o.value}>
                  {pick(o.labels, lng) || o.value}
                </option>
              ))}
            </LabelledSelect>
            <button
              type="button"
              className="button button--small"
              disabled={busy || !choice}
              onClick={() => void run(() => codeOtherAnswer(code, answer.responseId, answer.variable, choice))}
            >
              {t('analysis.texts.apply')}
            </button>
            {answer.code && (
              <button
                type="button"
                className="button button--small"
                disabled={busy}
                onClick={() => void run(() => uncodeOtherAnswer(code, answer.responseId, answer.variable))}
              >
                {t('analysis.texts.remove')}
              </button>
            )}
          </div>
          <details>
            <summary>{t('analysis.texts.newCode')}</summary>
            <div className="analysis-pickers">
              <div className="analysis-filter">
                <label htmlFor={codeId}>{t('analysis.texts.newCodeValue')}</label>
                <input
                  id={codeId}
                  value={newCode}
                  pattern="[a-z0-9_]{1,40}"
                  onChange={(e) => setNewCode(e.target.value.toLowerCase())}
                />
              </div>
              <div className="analysis-filter analysis-filter--wide">
                <label htmlFor={labelId}>{t('analysis.texts.newCodeLabel')}</label>
                <input id={labelId} value={newLabel} onChange={(e) => setNewLabel(e.target.value)} />
              </div>
              <button
                type="button"
                className="button button--small"
                disabled={busy || !/^[a-z0-9_]{1,40}$/.test(newCode) || !newLabel.trim()}
                onClick={() =>
                  void run(async () => {
                    await addCustomCode(code, {
                      variable: answer.variable,
                      code: newCode,
                      labels: { ru: newLabel.trim(), en: newLabel.trim(), uk: newLabel.trim() },
                    });
                    await codeOtherAnswer(code, answer.responseId, answer.variable, newCode);
                  })
                }
              >
                {t('analysis.texts.addAndApply')}
              </button>
            </div>
          </details>
          {error !== null && <ErrorNotice error={error} title={null} />}
        </div>
      )}
    </li>
  );
}
