import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AfterRenderPageEvent, SurveyModel } from 'survey-core';
import { Survey } from 'survey-react-ui';

/**
 * The questionnaire as the official sees it: its title and introduction (in full on the first
 * page, folded away after it), "page n of m" with a bar, then SurveyJS's form. On a page change
 * focus moves to the new page's heading, so keyboard and screen-reader users start there
 * instead of on the "Next" button. SurveyJS's own header is off (createSurvey({ header: false })).
 */
export function SurveyView({ model, heading }: { model: SurveyModel; heading: string }) {
  const { t } = useTranslation();
  const [pageNo, setPageNo] = useState(model.currentPageNo);
  // The model's locale is set after our render (effects); re-render when its texts change.
  const [, setLocale] = useState(model.locale);
  const progressRef = useRef<HTMLParagraphElement>(null);

  useEffect(() => {
    let moved = false;
    const onPage = () => {
      moved = true;
      setPageNo(model.currentPageNo);
    };
    const onRender = (_: SurveyModel, options: AfterRenderPageEvent) => {
      if (!moved) return;
      moved = false;
      const title = options.htmlElement.querySelector<HTMLElement>('.sd-page__title');
      const target = title ?? progressRef.current;
      if (!target) return;
      if (title) title.tabIndex = -1;
      target.focus();
    };
    const onLocale = () => setLocale(model.locale);
    model.onCurrentPageChanged.add(onPage);
    model.onAfterRenderPage.add(onRender);
    model.onLocaleChangedEvent.add(onLocale);
    return () => {
      model.onCurrentPageChanged.remove(onPage);
      model.onAfterRenderPage.remove(onRender);
      model.onLocaleChangedEvent.remove(onLocale);
    };
  }, [model]);

  const count = model.visiblePageCount;
  const title = model.title;
  const intro = model.description;
  const n = Math.min(pageNo, count - 1) + 1;

  return (
    <>
      {title && title !== heading && <p className="survey-title">{title}</p>}
      {intro &&
        (n === 1 ? (
          <p className="survey-intro" data-testid="survey-intro">
            {intro}
          </p>
        ) : (
          <details className="survey-intro survey-intro--folded" data-testid="survey-intro">
            <summary>{t('respond.aboutSurvey')}</summary>
            <p>{intro}</p>
          </details>
        ))}
      {count > 1 && (
        <div className="survey-progress">
          <p ref={progressRef} tabIndex={-1} className="survey-progress__text" data-testid="survey-progress">
            {t('respond.progress', { n, count })}
          </p>
          <div className="survey-progress__bar" aria-hidden="true">
            <span style={{ width: `${(n / count) * 100}%` }} />
          </div>
        </div>
      )}
      <div className="survey-host">
        <Survey model={model} />
      </div>
    </>
  );
}
