import { useEffect, useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Survey } from 'survey-react-ui';
import type { InvalidParam } from '../../../api/api';
import { checkDraft } from '../../../api/editor';
import { currentLocale, LOCALES } from '../../../i18n';
import { createSurvey, setSurveyLocale } from '../../respond/survey';
import { problemText } from '../ProblemList';
import type { Json } from './ops';
import { SmallButton } from '../../../components/form/Buttons';

/**
 * The draft rendered by survey-react-ui as respondents see it, in any language, at desktop or
 * phone width. "Try it": the answers given are checked by the server's own submission check.
 */
export function PreviewPane({ definition }: { definition: Json }) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const [locale, setLocale] = useState<string>(() => currentLocale(i18n.language));
  const [width, setWidth] = useState<'desktop' | 'phone'>('desktop');
  // Rebuilt a moment after the last edit, not on every keystroke.
  const [shown, setShown] = useState(definition);
  useEffect(() => {
    const timer = setTimeout(() => setShown(definition), 400);
    return () => clearTimeout(timer);
  }, [definition]);
  const [result, setResult] = useState<{ problems: InvalidParam[]; ok: boolean } | null>(null);
  const [busy, setBusy] = useState(false);

  const model = useMemo(() => {
    const m = createSurvey(shown);
    m.showCompletedPage = false;
    return m;
  }, [shown]);
  useEffect(() => setSurveyLocale(model, locale), [model, locale]);

  const tryIt = async () => {
    setBusy(true);
    try {
      const r = await checkDraft(shown, model.data as Record<string, unknown>);
      const problems = r.answerProblems ?? r.problems;
      setResult({ problems, ok: problems.length === 0 });
    } catch {
      setResult({ problems: [{ name: '', reason: t('editor.preview.failed') }], ok: false });
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => {
    const handler = (_: unknown, options: { allow: boolean }) => {
      options.allow = false; // a preview never completes or sends anything: the server checks the answers
      void tryIt();
    };
    model.onCompleting.add(handler);
    return () => model.onCompleting.remove(handler);
  });

  return (
    <section className="card editor-preview" aria-labelledby={`${id}-h`} data-testid="editor-preview">
      <h2 id={`${id}-h`}>{t('editor.preview.title')}</h2>
      <div className="field-row">
        <fieldset className="segmented">
          <legend>{t('editor.preview.language')}</legend>
          {LOCALES.map((l) => (
            <label key={l.code} className="segmented__item">
              <input
                type="radio"
                name={`${id}-locale`}
                value={l.code}
                checked={locale === l.code}
                onChange={() => setLocale(l.code)}
              />
              <span>{l.name}</span>
            </label>
          ))}
        </fieldset>
        <fieldset className="segmented">
          <legend>{t('editor.preview.width')}</legend>
          {(['desktop', 'phone'] as const).map((w) => (
            <label key={w} className="segmented__item">
              <input type="radio" name={`${id}-width`} value={w} checked={width === w} onChange={() => setWidth(w)} />
              <span>{t(`editor.preview.${w}`)}</span>
            </label>
          ))}
        </fieldset>
      </div>
      <div className="button-row">
        <SmallButton disabled={busy} onClick={() => void tryIt()}>
          {t('editor.preview.try')}
        </SmallButton>
      </div>
      {result && (
        <div
          className={result.ok ? 'notice notice--success' : 'notice notice--error'}
          role="status"
          data-testid="try-result"
        >
          {result.ok ? (
            t('editor.preview.valid')
          ) : (
            <>
              <p>{t('editor.preview.invalid', { n: result.problems.length })}</p>
              <ul>
                {result.problems.slice(0, 20).map((p, i) => (
                  <li key={i}>
                    {p.name && <code>{p.name}</code>} {problemText(t, p, 'questionnaire').what}
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
      <div
        className={`editor-preview__frame editor-preview__frame--${width}`}
        data-testid="preview-frame"
        data-width={width}
      >
        <div className="survey-host">
          <Survey model={model} />
        </div>
      </div>
    </section>
  );
}
