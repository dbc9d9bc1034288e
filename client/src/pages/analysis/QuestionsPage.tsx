import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { listRegions } from '../../api/api';
import { getMinCell, getVariables } from '../../api/analysis';
import { ErrorNotice, isRetryable } from '../../components/ErrorNotice';
import { Loading } from '../../components/Loading';
import { PageHeading } from '../../components/PageHeading';
import { useRequest } from '../../lib/useRequest';
import { AnalysisNav, FilterBar } from './common';
import { QuestionResults } from './QuestionResults';

async function loadContext(code: string, signal: AbortSignal) {
  const [variables, regions, minCell] = await Promise.all([
    getVariables(code, signal),
    listRegions(signal),
    getMinCell(code, signal),
  ]);
  return { variables, regions, minCell };
}

/** /w/:code/questions — any question of the wave per region (the front page when there is no obstacle question). */
export default function QuestionsPage() {
  const { code = '' } = useParams();
  const { t } = useTranslation();
  const context = useRequest((signal) => loadContext(code, signal), code);
  return (
    <section className="page page--wide analysis">
      <p className="kicker">{t('analysis.dashboard.kicker')}</p>
      <PageHeading title={t('questionResults.pageTitle')}>{t('questionResults.pageTitle')}</PageHeading>
      <AnalysisNav code={code} />
      {context.status === 'loading' && <Loading label={t('results.loading')} />}
      {context.status === 'error' && (
        <ErrorNotice
          error={context.error}
          title={null}
          onRetry={isRetryable(context.error) ? context.reload : undefined}
        />
      )}
      {context.status === 'ok' && (
        <>
          <FilterBar variables={context.data.variables} regions={context.data.regions} minCell={context.data.minCell} />
          <QuestionResults code={code} variables={context.data.variables} regions={context.data.regions} />
        </>
      )}
    </section>
  );
}
