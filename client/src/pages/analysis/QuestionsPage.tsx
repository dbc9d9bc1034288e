import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { getMinCell } from '../../api/analysis';
import { useRequest } from '../../lib/useRequest';
import { AnalysisShell, loadAnalysisContext } from './AnalysisShell';
import { QuestionResults } from './QuestionResults';

async function loadContext(code: string, signal: AbortSignal) {
  const [context, minCell] = await Promise.all([loadAnalysisContext(code, signal), getMinCell(code, signal)]);
  return { ...context, minCell };
}

/** /w/:code/questions — any question of the wave per region (the front page when there is no obstacle question). */
export default function QuestionsPage() {
  const { code = '' } = useParams();
  const { t } = useTranslation();
  const context = useRequest((signal) => loadContext(code, signal), code);
  return (
    <AnalysisShell
      code={code}
      title={t('questionResults.pageTitle')}
      context={context}
      minCell={context.status === 'ok' ? context.data.minCell : undefined}
    >
      {context.status === 'ok' && (
        <QuestionResults code={code} variables={context.data.variables} regions={context.data.regions} />
      )}
    </AnalysisShell>
  );
}
