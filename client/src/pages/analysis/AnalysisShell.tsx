// The frame of every analysis page: kicker, heading, the page tabs, the filter bar (with the k
// selector) once the wave's questions are known, the page's own pickers, then one loading line
// while anything is on its way and the errors of what failed; the page's results below.
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { listRegions, type Region } from '../../api/api';
import { getVariables, type AnalysisVariable } from '../../api/analysis';
import { Loading } from '../../components/Loading';
import { PageHeading } from '../../components/PageHeading';
import { RequestError, type Request } from '../../components/RequestStatus';
import { AnalysisNav, FilterBar } from './common';

/** What the filter bar needs: the wave's questions (their roles give the filters' choices) and the regions. */
export type AnalysisContext = { variables: AnalysisVariable[]; regions: Region[] };

export async function loadAnalysisContext(code: string, signal: AbortSignal): Promise<AnalysisContext> {
  const [variables, regions] = await Promise.all([getVariables(code, signal), listRegions(signal)]);
  return { variables, regions };
}

/** The wave's minimum k as the page's results carry it (3 until they are there). */
function minCellOf(result: Request<unknown> | undefined): number {
  const data = result?.status === 'ok' ? result.data : null;
  return typeof data === 'object' && data !== null && 'minCell' in data && typeof data.minCell === 'number'
    ? data.minCell
    : 3;
}

export function AnalysisShell<C extends AnalysisContext>({
  code,
  title,
  heading = title,
  kicker,
  context,
  minCell,
  hideRegion,
  showProtect,
  tools,
  notes,
  result,
  resultLoading = true,
  children,
}: {
  code: string;
  /** The document title (and the heading unless `heading` is given). */
  title: string;
  heading?: ReactNode;
  /** Above the heading; "Analysis" unless given. */
  kicker?: ReactNode;
  /** The filter bar's questions and regions. */
  context: Request<C>;
  /** The wave's minimum k until the filter bar has read it; by default the results' own. */
  minCell?: number;
  hideRegion?: boolean;
  showProtect?: boolean;
  /** The page's pickers, under the filter bar (a function: shown once the context is there). */
  tools?: ReactNode | ((context: C) => ReactNode);
  /** Said above the results: what to pick, a job's progress. */
  notes?: ReactNode;
  /** The page's main request: its loading and its error are shown here. */
  result?: Request<unknown>;
  /** Whether the result's loading shows (false: nothing asked yet, or a job shows its progress). */
  resultLoading?: boolean;
  children?: ReactNode;
}) {
  const { t } = useTranslation();
  // One loading line: for the results, or for the filter bar while no results are shown.
  const shown = result?.status === 'ok' && !!result.data;
  const loading = (resultLoading && result?.status === 'loading') || (context.status === 'loading' && !shown);
  return (
    <section className="page page--wide analysis">
      <p className="kicker">{kicker ?? t('analysis.dashboard.kicker')}</p>
      <PageHeading title={title}>{heading}</PageHeading>
      <AnalysisNav code={code} />
      {context.status === 'error' && <RequestError request={context} title={null} />}
      {context.status === 'ok' && (
        <FilterBar
          variables={context.data.variables}
          regions={context.data.regions}
          minCell={minCell ?? minCellOf(result)}
          hideRegion={hideRegion}
          showProtect={showProtect}
        />
      )}
      {typeof tools === 'function' ? context.status === 'ok' && tools(context.data) : tools}
      {notes}
      {loading && <Loading label={t('results.loading')} />}
      {result?.status === 'error' && <RequestError request={result} title={null} />}
      {children}
    </section>
  );
}
