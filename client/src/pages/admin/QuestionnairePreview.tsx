import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Model } from 'survey-core';
import { Survey } from 'survey-react-ui';
import { getQuestionnaireVersion, type QuestionnaireDetail } from '../../api/admin';
import { Segmented } from '../../components/Segmented';
import { LOCALES } from '../../i18n';
import { useRequest } from '../../lib/useRequest';
import { createSurvey, setSurveyLocale } from '../respond/survey';
import { SmallButton } from '../../components/form/Buttons';
import { Pending } from './AdminBits';

type Props = { questionnaireKey: string; version: number; onClose: () => void };

/** The questionnaire rendered by survey-core exactly as respondents get it, in each of its languages. */
export default function QuestionnairePreview({ questionnaireKey, version, onClose }: Props) {
  const { t } = useTranslation();
  const detail = useRequest(
    (signal) => getQuestionnaireVersion(questionnaireKey, version, signal),
    `${questionnaireKey}@${version}`,
  );
  const ref = useRef<HTMLElement>(null);
  useEffect(() => {
    ref.current?.scrollIntoView({ block: 'start' }); // (returns a Promise in newer browsers: not a cleanup)
  }, []);
  const id = useId();

  return (
    <section ref={ref} className="card preview" aria-labelledby={`${id}-h`} data-testid="preview">
      <div className="preview__head">
        <h2 id={`${id}-h`}>{t('admin.library.previewTitle', { key: questionnaireKey, version })}</h2>
        <SmallButton secondary onClick={onClose}>
          {t('admin.library.closePreview')}
        </SmallButton>
      </div>
      <p className="muted">{t('admin.library.previewIntro')}</p>
      <Pending request={detail} />
      {detail.status === 'ok' && <PreviewSurvey detail={detail.data} />}
    </section>
  );
}

function PreviewSurvey({ detail }: { detail: QuestionnaireDetail }) {
  const { t } = useTranslation();
  // The questionnaire's own languages; '' is SurveyJS's default locale.
  const locales = detail.locales.length ? detail.locales : ['ru'];
  const [locale, setLocale] = useState(locales[0]!);
  const [model] = useState<Model>(() => {
    const m = createSurvey(detail.definition);
    m.showCompletedPage = false;
    m.onCompleting.add((_, options) => {
      options.allow = false; // a preview never completes or sends anything
    });
    return m;
  });
  useEffect(() => {
    setSurveyLocale(model, locale === 'default' ? '' : locale);
  }, [model, locale]);
  const name = (code: string) => LOCALES.find((l) => l.code === code)?.name ?? code;

  return (
    <>
      <Segmented
        legend={t('admin.library.previewLanguage')}
        options={locales}
        value={locale}
        onChange={setLocale}
        label={name}
      />
      <div className="survey-host">
        <Survey model={model} />
      </div>
    </>
  );
}
