// Results for any question of the wave, per region: a question picker, then for a choice question
// the counts, shares and 95% Wilson intervals per region and overall; for a numeric question n,
// sum, mean, median, min and max per region with a total row; for a text question the texts,
// searchable. Rows by region name or code (the user's choice, also used by the exports), and a
// tile-grid map per country coloured by the chosen answer's share or the chosen statistic.
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Locale, Localized, Region } from '../../api/api';
import {
  getQuestionTally,
  getTextAnswers,
  type AnalysisVariable,
  type NumberCell,
  type QuestionRow,
  type QuestionTally,
} from '../../api/analysis';
import { LabelledSelect } from '../../components/LabelledSelect';
import { RequestStatus } from '../../components/RequestStatus';
import { pick } from '../../lib/format';
import { useRequest } from '../../lib/useRequest';
import {
  AnswerSelect,
  BaseAndDownloads,
  SmallBaseMark,
  SuppressedLegend,
  TableDownloads,
  useAnalysisParams,
  useLocale,
} from './common';
import { fmtNumber, fmtShare, shareWithCi, SUPPRESSED } from './numbers';
import { TileMap, type TileValue } from './TileMap';
import { countryOf, type Country } from './tile-grid';

type Order = 'name' | 'code';
type Stat = 'sum' | 'mean' | 'median';

const isNumbers = (n: QuestionRow['numbers']): n is NumberCell => !!n && !('suppressed' in n);

/** A number with up to two decimals (integers stay integers). */
export function fmtValue(v: number, lng: Locale): string {
  return fmtNumber(v, lng, Number.isInteger(v) ? 0 : 2);
}

/** A short form for a map tile: "1,2 тыс.", "35". */
function fmtCompact(v: number, lng: Locale): string {
  return new Intl.NumberFormat(lng === 'en' ? 'en-GB' : lng === 'uk' ? 'uk-UA' : 'ru-RU', {
    notation: 'compact',
    maximumFractionDigits: 1,
  }).format(v);
}

export function sortRegions<T extends { code: string; names: Localized }>(rows: T[], order: Order, lng: Locale): T[] {
  return [...rows].sort((a, b) =>
    order === 'code'
      ? a.code.localeCompare(b.code, 'en')
      : (pick(a.names, lng) || a.code).localeCompare(pick(b.names, lng) || b.code, lng) ||
        a.code.localeCompare(b.code, 'en'),
  );
}

/**
 * The body rows of a table by region: each country's regions (in the chosen order) followed by
 * the country's subtotal, then regions of no country (the same order as the exports).
 */
export function withSubtotals<R extends { code: string; names: Localized }>(
  groups: R[],
  subtotals: (R & { regions: string[] })[],
  order: Order,
  lng: Locale,
): { row: R; subtotal: boolean }[] {
  const out: { row: R; subtotal: boolean }[] = [];
  const placed = new Set<string>();
  for (const s of sortRegions(subtotals, order, lng)) {
    const members = new Set(s.regions);
    for (const g of sortRegions(
      groups.filter((x) => members.has(x.code)),
      order,
      lng,
    )) {
      out.push({ row: g, subtotal: false });
      placed.add(g.code);
    }
    out.push({ row: s, subtotal: true });
  }
  for (const g of sortRegions(
    groups.filter((x) => !placed.has(x.code)),
    order,
    lng,
  ))
    out.push({ row: g, subtotal: false });
  return out;
}

export function QuestionResults({
  code,
  variables,
  regions,
}: {
  code: string;
  variables: AnalysisVariable[];
  regions: Region[];
}) {
  const { t } = useTranslation();
  const lng = useLocale();
  const { params, set } = useAnalysisParams();
  const pickerId = useId();
  const question = params.get('question') ?? '';
  const v = variables.find((x) => x.name === question);
  const groups: { key: string; label: string; items: AnalysisVariable[] }[] = [
    { key: 'choice', label: t('questionResults.groupChoice'), items: [] },
    { key: 'numeric', label: t('questionResults.groupNumeric'), items: [] },
    { key: 'text', label: t('questionResults.groupText'), items: [] },
  ];
  for (const x of variables) {
    if (x.kind === 'text') groups[2].items.push(x);
    else if (x.kind === 'numeric') groups[1].items.push(x);
    else groups[0].items.push(x);
  }
  const names: Record<string, Localized> = Object.fromEntries(regions.map((r) => [r.code, r.names]));

  return (
    <section className="question-results" aria-labelledby={`${pickerId}-h`}>
      <h2 id={`${pickerId}-h`} className="question-results__title">
        {t('questionResults.title')}
      </h2>
      <div className="analysis-pickers card">
        <LabelledSelect
          id={pickerId}
          label={t('questionResults.question')}
          value={question}
          onChange={(q) => set({ question: q, option: undefined, stat: undefined, q: undefined })}
          testId="question-picker"
          width="wide"
        >
          <option value="">{t('questionResults.pick')}</option>
          {groups
            .filter((g) => g.items.length > 0)
            .map((g) => (
              <optgroup key={g.key} label={g.label}>
                {g.items.map((x) => (
                  <option key={x.name} value={x.name}>
                    {pick(x.title, lng) || x.name} ({x.name})
                  </option>
                ))}
              </optgroup>
            ))}
        </LabelledSelect>
        {v && (
          <LabelledSelect
            label={t('questionResults.order')}
            value={params.get('order') === 'code' ? 'code' : 'name'}
            onChange={(order) => set({ order })}
            testId="question-order"
            width="narrow"
          >
            <option value="name">{t('questionResults.byName')}</option>
            <option value="code">{t('questionResults.byCode')}</option>
          </LabelledSelect>
        )}
      </div>
      {!v && <p className="notice">{t('questionResults.pickHint')}</p>}
      {v && v.kind === 'text' && <TextResults code={code} variable={v} names={names} />}
      {v && v.kind !== 'text' && <TallyResults code={code} variable={v} names={names} />}
    </section>
  );
}

/** The results of one question: its wave, the question, the regions' names. */
type ResultsProps = { code: string; variable: AnalysisVariable; names: Record<string, Localized> };

function TallyResults({ code, variable, names }: ResultsProps) {
  const { t } = useTranslation();
  const { filters, k, key } = useAnalysisParams();
  const tally = useRequest(
    (signal) => getQuestionTally(code, variable.name, filters, k, signal),
    `${code}|${variable.name}|${key}`,
  );
  if (tally.status !== 'ok') return <RequestStatus request={tally} label={t('results.loading')} title={null} />;
  return <TallyView data={tally.data} names={names} />;
}

function TallyView({ data, names }: { data: QuestionTally; names: Record<string, Localized> }) {
  const { t } = useTranslation();
  const lng = useLocale();
  const { params, set } = useAnalysisParams();
  const titleId = useId();
  const order: Order = params.get('order') === 'code' ? 'code' : 'name';
  const numeric = data.variable.numeric && data.options.length === 0;
  const option = params.get('option') || data.options[0]?.value || '';
  const stat: Stat = (['sum', 'mean', 'median'] as const).find((s) => s === params.get('stat')) ?? 'sum';
  const rows = withSubtotals(data.groups, data.subtotals ?? [], order, lng);
  const title = pick(data.variable.title, lng) || data.variable.name;
  const exportExtra = { question: data.variable.name, by: 'region', order, locale: lng, k: String(data.minCell) };

  const numberCells = (r: QuestionRow) => {
    const n = r.numbers;
    if (!isNumbers(n)) {
      const mark = n && 'suppressed' in n ? SUPPRESSED : '';
      return ['n', 'sum', 'mean', 'median', 'min', 'max'].map((k) => (
        <td key={k} className="num">
          {k === 'n' && !n ? fmtNumber(0, lng) : mark}
        </td>
      ));
    }
    return (
      [
        ['n', fmtNumber(n.n, lng)],
        ['sum', fmtValue(n.sum, lng)],
        ['mean', fmtNumber(n.mean, lng, 2)],
        ['median', fmtValue(n.median, lng)],
        ['min', fmtValue(n.min, lng)],
        ['max', fmtValue(n.max, lng)],
      ] as const
    ).map(([k, text]) => (
      <td key={k} className="num" data-stat={k}>
        {text}
      </td>
    ));
  };

  // A rating has both: the choice table, then the numbers table (`numbers-` test ids).
  const line = (r: QuestionRow, total: boolean, asNumbers: boolean, prefix: string, subtotal = false) => (
    <tr
      key={subtotal ? `subtotal-${r.code}` : r.code}
      className={subtotal ? 'results-subtotal' : undefined}
      data-testid={total ? `${prefix}total` : subtotal ? `${prefix}subtotal-${r.code}` : `${prefix}row-${r.code}`}
    >
      <th scope="row">
        {total
          ? t('results.total')
          : subtotal
            ? t('issue12Finish.subtotalRow', { country: pick(r.names, lng) || r.code })
            : pick(r.names, lng) || r.code}
        {r.answered < data.smallBase && <SmallBaseMark smallBase={data.smallBase} />}
      </th>
      <td className="code-cell">{total ? '' : r.code}</td>
      <td className="num">{fmtNumber(r.respondents, lng)}</td>
      {asNumbers ? (
        numberCells(r)
      ) : (
        <>
          <td className="num">{fmtNumber(r.answered, lng)}</td>
          {data.options.map((o) => {
            const c = r.cells[o.value];
            return (
              <td key={o.value} className="num">
                {c?.suppressed ? SUPPRESSED : `${fmtNumber(c?.count ?? 0, lng)} · ${shareWithCi(c, lng)}`}
              </td>
            );
          })}
        </>
      )}
    </tr>
  );

  const tableCard = (asNumbers: boolean, prefix: string, id: string) => (
    <section key={prefix} className="card table-card" aria-labelledby={id}>
      <h3 id={id}>{title}</h3>
      <p className="table-note">
        {asNumbers ? t('questionResults.noteNumeric') : t('questionResults.noteChoice')}
        {(data.subtotals ?? []).length > 0 && ` ${t('issue12Finish.subtotalNote')}`}
      </p>
      <div className="table-scroll table-scroll--sticky" role="region" aria-labelledby={id} tabIndex={0}>
        <table className="results-table" data-testid={`${prefix}table`}>
          <thead>
            <tr>
              <th scope="col">{t('results.region')}</th>
              <th scope="col">{t('questionResults.code')}</th>
              <th scope="col" className="num">
                {t('results.respondents')}
              </th>
              {asNumbers ? (
                (['n', 'sum', 'mean', 'median', 'min', 'max'] as const).map((k) => (
                  <th key={k} scope="col" className="num">
                    {t(`questionResults.stat.${k}`)}
                  </th>
                ))
              ) : (
                <>
                  <th scope="col" className="num">
                    {t('questionResults.answered')}
                  </th>
                  {data.options.map((o) => (
                    <th key={o.value} scope="col" className="num">
                      {pick(o.labels, lng) || o.value}
                    </th>
                  ))}
                </>
              )}
            </tr>
          </thead>
          <tbody>{rows.map((r) => line(r.row, false, asNumbers, prefix, r.subtotal))}</tbody>
          <tfoot>{line(data.total, true, asNumbers, prefix)}</tfoot>
        </table>
      </div>
      <SuppressedLegend legend={data.legend} smallBase={data.smallBase} />
    </section>
  );

  // Map values: the share of the chosen answer, or the chosen statistic of the number.
  const tileValues: Record<string, TileValue> = {};
  for (const r of data.groups) {
    if (numeric) {
      const n = r.numbers;
      if (n && 'suppressed' in n)
        tileValues[r.code] = { value: null, suppressed: true, text: SUPPRESSED, base: r.answered };
      else if (isNumbers(n)) tileValues[r.code] = { value: n[stat], text: fmtCompact(n[stat], lng), base: r.answered };
    } else {
      const c = r.cells[option];
      if (c?.suppressed) tileValues[r.code] = { value: null, suppressed: true, text: SUPPRESSED, base: r.answered };
      else if (c && c.share !== null && r.answered > 0)
        tileValues[r.code] = { value: c.share, text: fmtNumber(c.share * 100, lng, 0) + '%', base: r.answered };
    }
  }
  const present = [...new Set(data.groups.map((g) => countryOf(g.code)).filter((c): c is Country => c !== null))];
  const countries: Country[] = present.length ? (['RU', 'UA'] as const).filter((c) => present.includes(c)) : [];
  const nums = Object.values(tileValues).flatMap((v) => (v.value === null ? [] : [v.value]));
  const [min, max] = numeric ? [Math.min(0, ...nums), Math.max(0, ...nums)] : [0, 1];
  const optionLabel = pick(data.options.find((o) => o.value === option)?.labels ?? { ru: '', en: '', uk: '' }, lng);
  const mapTitle = numeric ? `${title}: ${t(`questionResults.stat.${stat}`)}` : `${title}: ${optionLabel || option}, %`;

  return (
    <>
      <BaseAndDownloads base={data.base.text} code={data.wave.code} kind="question" extra={exportExtra} />
      {data.options.length > 0 && tableCard(false, 'question-', titleId)}
      {data.variable.numeric && tableCard(true, numeric ? 'question-' : 'question-numbers-', `${titleId}-n`)}
      {countries.length > 0 && (
        <section className="card tile-maps" aria-labelledby={`${titleId}-map`}>
          <h3 id={`${titleId}-map`}>{t('tileMap.title')}</h3>
          <div className="analysis-pickers">
            {numeric ? (
              <LabelledSelect
                label={t('tileMap.colourBy')}
                value={stat}
                onChange={(s) => set({ stat: s })}
                testId="map-stat"
                width="narrow"
              >
                {(['sum', 'mean', 'median'] as const).map((s) => (
                  <option key={s} value={s}>
                    {t(`questionResults.stat.${s}`)}
                  </option>
                ))}
              </LabelledSelect>
            ) : (
              <AnswerSelect
                label={t('tileMap.colourByAnswer')}
                value={option}
                options={data.options}
                onChange={(v) => set({ option: v })}
                testId="map-option"
              />
            )}
          </div>
          <p className="table-note">{t('tileMap.note')}</p>
          {countries.map((c) => (
            <TileMap
              key={c}
              country={c}
              title={`${t(`tileMap.country.${c}`)} — ${mapTitle}`}
              values={tileValues}
              names={names}
              min={min}
              max={max}
              format={(x) => (numeric ? fmtCompact(x, lng) : fmtShare(x, lng).replace(/,0|\.0/, ''))}
              file={`${data.wave.code}-${data.variable.name}-${c}`}
              testId={`tile-map-${c}`}
              smallBase={data.smallBase}
            />
          ))}
        </section>
      )}
    </>
  );
}

const TEXT_PAGE = 50;

function TextResults({ code, variable, names }: ResultsProps) {
  const { t } = useTranslation();
  const lng = useLocale();
  const { params, set, filters, key } = useAnalysisParams();
  const q = params.get('q') ?? '';
  const [typed, setTyped] = useState(q);
  const [shown, setShown] = useState(TEXT_PAGE);
  const searchId = useId();
  const answers = useRequest(
    (signal) => getTextAnswers(code, { question: variable.name, q, limit: shown }, filters, signal),
    `${code}|${variable.name}|${q}|${shown}|${key}`,
  );
  const search = (e: FormEvent) => {
    e.preventDefault();
    set({ q: typed.trim() || undefined });
  };
  const exportExtra = {
    question: variable.name,
    order: params.get('order') === 'code' ? 'code' : 'name',
    locale: lng,
  };
  return (
    <section className="card table-card" aria-labelledby={`${searchId}-h`}>
      <h3 id={`${searchId}-h`}>{pick(variable.title, lng) || variable.name}</h3>
      <TableDownloads code={code} kind="question" extra={exportExtra} />
      <form className="analysis-pickers" onSubmit={search} role="search">
        <div className="analysis-filter analysis-filter--wide">
          <label htmlFor={searchId}>{t('analysis.texts.search')}</label>
          <input
            id={searchId}
            type="search"
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            data-testid="question-text-search"
          />
        </div>
        <button type="submit" className="button button--small">
          {t('analysis.texts.find')}
        </button>
      </form>
      <RequestStatus request={answers} label={t('results.loading')} title={null} />
      {answers.status === 'ok' && (
        <>
          <p className="table-note" data-testid="question-text-total">
            {t('analysis.texts.total', { count: answers.data.total, n: fmtNumber(answers.data.total, lng) })}
          </p>
          <ul className="text-answers" data-testid="question-texts">
            {answers.data.items.map((a) => (
              <li key={`${a.responseId}-${a.variable}`} className="text-answer">
                <p className="text-answer__text">{a.text}</p>
                <p className="text-answer__meta">
                  {pick(names[a.region], lng) || a.region}
                  {a.municipality ? ` · ${a.municipality}` : ''}
                </p>
              </li>
            ))}
          </ul>
          {answers.data.total > answers.data.items.length && (
            <button
              type="button"
              className="button button--small"
              onClick={() => setShown((n) => Math.min(500, n + TEXT_PAGE))}
            >
              {t('questionResults.more')}
            </button>
          )}
        </>
      )}
    </section>
  );
}
