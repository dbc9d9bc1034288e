// Pieces every analysis page shares: filters kept in the address (so they survive moving between
// pages and can be bookmarked), the filter bar, the page tabs, the base sentence, cell formatting
// with small-cell suppression, and download links.
import type { MouseEvent, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, NavLink, useParams, useSearchParams } from 'react-router';
import type { Locale, Localized, Region } from '../../api/api';
import {
  FILTER_DIMENSIONS,
  getAnalysisSettings,
  queryString,
  tableExportUrl,
  type AnalysisFilters,
  type AnalysisVariable,
  type FilterDimension,
  type StatCell,
} from '../../api/analysis';
import { currentLocale } from '../../i18n';
import { LabelledSelect } from '../../components/LabelledSelect';
import { pick } from '../../lib/format';
import { useRequest } from '../../lib/useRequest';
import { ExportJobsProvider, useExportJobs } from './exports';

export function useLocale(): Locale {
  const { i18n } = useTranslation();
  return currentLocale(i18n.language);
}

/** Filters and k (the disclosure threshold; none = the wave's minimum), read from and written to the address. */
export function useAnalysisParams() {
  const [params, setParams] = useSearchParams();
  const filters: AnalysisFilters = {};
  for (const d of FILTER_DIMENSIONS) {
    const v = params.get(d);
    if (v) filters[d] = v;
  }
  if (params.get('status') === 'all') filters.status = 'all';
  const kText = params.get('k');
  const k = kText && /^\d{1,2}$/.test(kText) ? Number(kText) : undefined;
  const set = (changes: Record<string, string | undefined>) => {
    // From the address as it is now: two changes in a row must both stay (the router's `prev`
    // can lag behind the first one).
    const next = new URLSearchParams(window.location.search);
    for (const [k, v] of Object.entries(changes)) {
      if (v === undefined || v === '') next.delete(k);
      else next.set(k, v);
    }
    setParams(next, { replace: true });
  };
  /** The query string of filters and k, to carry them to another analysis page. */
  const carried = [queryString(filters), k !== undefined ? `k=${k}` : ''].filter(Boolean).join('&');
  return { params, filters, k, set, carried, key: `${queryString(filters)}|${k ?? ''}` };
}

// ---- layout pieces ----

export function AnalysisNav({ code }: { code: string }) {
  const { t } = useTranslation();
  const { carried } = useAnalysisParams();
  const to = (page: string) => `/w/${encodeURIComponent(code)}/${page}${carried ? `?${carried}` : ''}`;
  const link = (page: string, label: string) => (
    <NavLink to={to(page)} className={({ isActive }) => (isActive ? 'analysis-tab is-active' : 'analysis-tab')} end>
      {label}
    </NavLink>
  );
  return (
    <nav className="analysis-tabs" aria-label={t('analysis.nav.label')}>
      {link('results', t('analysis.nav.dashboard'))}
      {link('questions', t('questionResults.nav'))}
      {link('crosstab', t('analysis.nav.crosstab'))}
      {link('compare', t('analysis.nav.compare'))}
      {link('texts', t('analysis.nav.texts'))}
      {link('report', t('monitor.report.nav'))}
      <NavLink to={`/trends?waves=${encodeURIComponent(code)}`} className="analysis-tab">
        {t('monitor.trends.nav')}
      </NavLink>
    </nav>
  );
}

/** The base sentence the server wrote for the current filters, in the user's language. */
export function BaseLine({ text, testId = 'analysis-base' }: { text: Localized; testId?: string }) {
  const lng = useLocale();
  return (
    <p className="analysis-base" data-testid={testId}>
      {pick(text, lng)}
    </p>
  );
}

/** Sort by share, largest first, hidden (unknown) shares last. */
export function byShareHiddenLast(a: StatCell | undefined, b: StatCell | undefined): number {
  const ha = !a || a.suppressed || a.share === null;
  const hb = !b || b.suppressed || b.share === null;
  if (ha !== hb) return ha ? 1 : -1;
  return (b?.share ?? 0) - (a?.share ?? 0);
}

/** A base below the small-base threshold: a mark next to the share, change or test. */
export const SMALL_BASE_MARK = '*';

/**
 * The legend of every table: the disclosure rule the server applied (the same sentence as in the
 * exports) and the small-base flag.
 */
export function SuppressedLegend({ legend, smallBase }: { legend: Localized; smallBase: number }) {
  const { t } = useTranslation();
  const lng = useLocale();
  return (
    <div className="analysis-legend" data-testid="suppressed-legend">
      <p>{pick(legend, lng)}</p>
      <p data-testid="small-base-legend">
        <span className="analysis-legend__mark">{SMALL_BASE_MARK}</span> {t('disclosure.smallBase', { n: smallBase })}
      </p>
    </div>
  );
}

/** "*" with its explanation, for a share, change or test on a small base. */
export function SmallBaseMark({ smallBase }: { smallBase: number }) {
  const { t } = useTranslation();
  return (
    <abbr className="analysis-small-base" title={t('disclosure.smallBase', { n: smallBase })}>
      {SMALL_BASE_MARK}
    </abbr>
  );
}

/** The export buttons of a page; pressing one starts an export job (see exports.tsx). */
export function Downloads({ label, code, children }: { label: string; code?: string; children: ReactNode }) {
  return (
    <ExportJobsProvider code={code}>
      <div className="analysis-downloads" role="group" aria-label={label}>
        {children}
      </div>
    </ExportJobsProvider>
  );
}

/**
 * A download: the link works as a direct download (new tab, no script), a plain click starts an
 * export job so that a big file never dies at the request's time limit.
 */
export function DownloadLink({ href, children, testId }: { href: string; children: ReactNode; testId?: string }) {
  const jobs = useExportJobs();
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    if (!jobs || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    jobs.start(href, e.currentTarget.textContent ?? '');
  };
  return (
    <a className="button button--small" href={href} download data-testid={testId} onClick={onClick}>
      {children}
    </a>
  );
}

/**
 * A table on screen as XLSX and CSV: built with the page's filters (unless `filters` is given) and
 * `extra` (the table's own parameters, the locale and the k of the table on screen).
 */
export function TableDownloadLinks({
  code,
  kind,
  extra,
  filters,
  labels,
}: {
  code: string;
  kind: Parameters<typeof tableExportUrl>[1];
  extra: Record<string, string | undefined>;
  filters?: AnalysisFilters;
  labels?: { xlsx: string; csv: string };
}) {
  const { t } = useTranslation();
  const params = useAnalysisParams();
  const f = filters ?? params.filters;
  return (
    <>
      <DownloadLink href={tableExportUrl(code, kind, 'xlsx', f, extra)} testId={`download-${kind}-xlsx`}>
        {labels?.xlsx ?? t('analysis.downloads.tableXlsx')}
      </DownloadLink>
      <DownloadLink href={tableExportUrl(code, kind, 'csv', f, extra)} testId={`download-${kind}-csv`}>
        {labels?.csv ?? t('analysis.downloads.tableCsv')}
      </DownloadLink>
    </>
  );
}

/** The downloads of a page that has one table. */
export function TableDownloads(props: Parameters<typeof TableDownloadLinks>[0]) {
  const { t } = useTranslation();
  return (
    <Downloads label={t('results.downloads')} code={props.code}>
      <TableDownloadLinks {...props} />
    </Downloads>
  );
}

/** Above a table: its base sentence (test id `<kind>-base` unless given), then its downloads. */
export function BaseAndDownloads({
  base,
  baseTestId,
  ...downloads
}: { base: Localized; baseTestId?: string } & Parameters<typeof TableDownloadLinks>[0]) {
  return (
    <>
      <BaseLine text={base} testId={baseTestId ?? `${downloads.kind}-base`} />
      <TableDownloads {...downloads} />
    </>
  );
}

/** A picker of one answer of a question, by its label in the user's language. */
export function AnswerSelect({
  label,
  value,
  options,
  onChange,
  testId,
}: {
  label: string;
  value: string;
  options: { value: string; labels: Localized }[];
  onChange: (value: string) => void;
  testId: string;
}) {
  const lng = useLocale();
  return (
    <LabelledSelect label={label} value={value} onChange={onChange} testId={testId} width="wide">
      {options.map((o) => (
        <option key={o.value} value={o.value}>
          {pick(o.labels, lng) || o.value}
        </option>
      ))}
    </LabelledSelect>
  );
}

type Choice = { value: string; label: string };

function FilterSelect({
  label,
  value,
  choices,
  onChange,
  name,
  emptyLabel,
}: {
  label: string;
  value: string;
  choices: Choice[];
  onChange: (v: string) => void;
  name: string;
  emptyLabel?: string;
}) {
  const { t } = useTranslation();
  return (
    <LabelledSelect label={label} name={name} value={value} onChange={onChange}>
      <option value="">{emptyLabel ?? t('analysis.filters.any')}</option>
      {choices.map((c) => (
        <option key={c.value} value={c.value}>
          {c.label}
        </option>
      ))}
    </LabelledSelect>
  );
}

const ROLE_OF: Record<Exclude<FilterDimension, 'region'>, string> = {
  municipalityType: 'municipalityType',
  sizeClass: 'sizeClass',
  respondentRole: 'respondentRole',
};

/**
 * Region, municipality type, size class, respondent role and completion status. The choices of
 * the three respondent dimensions come from the questionnaire's own questions (the roles stored with the version).
 */
export function FilterBar({
  variables,
  regions,
  minCell,
  hideRegion = false,
  showProtect = true,
}: {
  variables: AnalysisVariable[];
  regions: Region[];
  minCell: number;
  hideRegion?: boolean;
  /** The k selector (not on pages without counts). */
  showProtect?: boolean;
}) {
  const { t } = useTranslation();
  const lng = useLocale();
  const { filters, k, set } = useAnalysisParams();
  const { code = '' } = useParams();
  const settings = useRequest(
    (signal) => (showProtect && code ? getAnalysisSettings(code, signal) : Promise.resolve(null)),
    `${code}|${showProtect}`,
  );
  const minimum = settings.status === 'ok' && settings.data ? settings.data.minCell : minCell;
  const lowest = settings.status === 'ok' && settings.data?.maySeeUnsuppressed ? 1 : minimum;
  const kChoices = Array.from({ length: Math.max(0, 10 - lowest + 1) }, (_x, i) => lowest + i);
  const choicesOf = (d: Exclude<FilterDimension, 'region'>): Choice[] =>
    (variables.find((v) => v.role === ROLE_OF[d])?.options ?? []).map((o) => ({
      value: o.value,
      label: pick(o.labels, lng) || o.value,
    }));
  const regionChoices = regions
    .map((r) => ({ value: r.code, label: pick(r.names, lng) || r.code }))
    .sort((a, b) => a.label.localeCompare(b.label, lng));
  const any = FILTER_DIMENSIONS.some((d) => filters[d]) || filters.status === 'all';
  return (
    <form
      className="analysis-filters card"
      aria-label={t('analysis.filters.label')}
      onSubmit={(e) => e.preventDefault()}
    >
      {!hideRegion && (
        <FilterSelect
          name="region"
          label={t('analysis.filters.region')}
          value={filters.region ?? ''}
          choices={regionChoices}
          onChange={(v) => set({ region: v })}
        />
      )}
      {(['municipalityType', 'sizeClass', 'respondentRole'] as const).map((d) => (
        <FilterSelect
          key={d}
          name={d}
          label={t(`analysis.filters.${d}`)}
          value={filters[d] ?? ''}
          choices={choicesOf(d)}
          onChange={(v) => set({ [d]: v })}
        />
      ))}
      <FilterSelect
        name="status"
        label={t('analysis.filters.status')}
        value={filters.status === 'all' ? 'all' : ''}
        emptyLabel={t('analysis.filters.statusComplete')}
        choices={[{ value: 'all', label: t('analysis.filters.statusAll') }]}
        onChange={(v) => set({ status: v === 'all' ? 'all' : undefined })}
      />
      {showProtect && (
        <div className="analysis-filter">
          <label htmlFor="analysis-k">{t('disclosure.k')}</label>
          <select
            id="analysis-k"
            name="k"
            value={String(k ?? minimum)}
            onChange={(e) => set({ k: Number(e.target.value) === minimum ? undefined : e.target.value })}
            data-testid="disclosure-k"
          >
            {kChoices.map((x) => (
              <option key={x} value={x}>
                {x === 1 ? t('disclosure.kNone') : x === minimum ? t('disclosure.kMinimum', { k: x }) : String(x)}
              </option>
            ))}
          </select>
          {settings.status === 'ok' && settings.data && (
            <p className="analysis-filter__hint" data-testid="disclosure-minimum">
              {t('issue12Finish.minK.readOnly', { k: minimum })}
              {settings.data.maySeeUnsuppressed && (
                <>
                  {' '}
                  <Link to={`/admin/waves/${encodeURIComponent(code)}`}>{t('issue12Finish.minK.manage')}</Link>
                </>
              )}
            </p>
          )}
        </div>
      )}
      {any && (
        <button
          type="button"
          className="link-button analysis-filters__reset"
          onClick={() =>
            set({
              region: undefined,
              municipalityType: undefined,
              sizeClass: undefined,
              respondentRole: undefined,
              status: undefined,
            })
          }
        >
          {t('analysis.filters.reset')}
        </button>
      )}
    </form>
  );
}
