// Trends across many waves: one question (matched by name across questionnaire versions) in a
// series of waves, per region and overall — a share (of one answer) or a mean (ratings, numeric
// codes, numbers) per wave with its 95% interval. Every figure comes from the per-question table
// of each wave (tally.service.ts, read from the kept cube) under the one disclosure rule, with one
// k for the whole series (the largest wave minimum, unless a coordinator asked for less).
import { BadRequestError } from '../http/errors';
import type { Localized } from '../reference/reference.service';
import { Z95, wilson } from '../analytics/stats';
import { disclosureLegend, SMALL_BASE } from '../analytics/disclosure';
import { waveCatalogue, type WaveCatalogue } from '../analytics/catalogue';
import { collect } from '../analytics/collect.service';
import { sdOf } from '../analytics/cube.service';
import { questionTally, type KRequest, type QuestionTally, type Row } from '../analytics/tally.service';
import { findVariable, type Option, type Variable } from '../analytics/variables';
import type { Filters } from '../analytics/filters';

export type Measure = 'share' | 'mean';

export type TrendPoint = {
  wave: string;
  /** The base: who answered (share), or who gave a number (mean). 0 when the region is absent. */
  n: number;
  /** Respondents with the answer (share only). */
  count: number | null;
  /** A share in [0, 1] or a mean; null when hidden or absent. */
  value: number | null;
  low: number | null;
  high: number | null;
  suppressed: boolean;
  /** n below the small-base threshold (and above 0): the value is unreliable. */
  smallBase: boolean;
};

export type TrendLine = { code: string; names: Localized; points: TrendPoint[] };

export type TrendMatch = {
  wave: string;
  title: Localized;
  questionnaire: string;
  /** How the question was found in this wave's questionnaire version. */
  match: 'same' | 'title-changed' | 'missing';
  questionTitle: Localized | null;
};

export type Trends = {
  question: { name: string; title: Localized; kind: Variable['kind']; numeric: boolean };
  measure: Measure;
  /** The answer whose share is shown (share only). */
  value: { code: string; labels: Localized } | null;
  options: Option[];
  measures: Measure[];
  waves: TrendMatch[];
  overall: TrendLine;
  regions: TrendLine[];
  minCell: number;
  minimumK: number;
  legend: Localized;
  smallBase: number;
  method: Localized;
};

const numericOptions = (options: Option[]) => options.filter((o) => o.value !== '' && Number.isFinite(Number(o.value)));

/** The measures a variable allows: shares of its answers; a mean when its codes (or it) are numbers. */
export function measuresOf(v: Variable, options: Option[]): Measure[] {
  if (v.kind === 'numeric') return ['mean'];
  if (v.kind === 'text') return [];
  return numericOptions(options).length >= 2 && v.kind === 'single' ? ['share', 'mean'] : ['share'];
}

const EMPTY = (wave: string): TrendPoint => ({
  wave,
  n: 0,
  count: null,
  value: null,
  low: null,
  high: null,
  suppressed: false,
  smallBase: false,
});

/** Share of one answer in a row of a wave's table. */
function sharePoint(wave: string, row: Row | undefined, value: string): TrendPoint {
  if (!row || row.answered === 0) return EMPTY(wave);
  const cell = row.cells[value];
  const smallBase = row.answered < SMALL_BASE;
  if (!cell || cell.suppressed || cell.count === null)
    return { ...EMPTY(wave), n: row.answered, suppressed: !!cell?.suppressed, smallBase };
  const ci = wilson(cell.count, row.answered);
  return {
    wave,
    n: row.answered,
    count: cell.count,
    value: cell.count / row.answered,
    low: ci.low,
    high: ci.high,
    suppressed: false,
    smallBase,
  };
}

/** Mean and its normal 95% interval (mean ± 1.96·sd/√n) from n, the mean and the sample sd. */
export function meanInterval(n: number, mean: number, sd: number): { low: number; high: number } {
  const half = n > 1 ? (Z95 * sd) / Math.sqrt(n) : 0;
  return { low: mean - half, high: mean + half };
}

/**
 * Mean of the numeric answer codes of a row (1–5; "not relevant" and other non-numeric codes left
 * out), from the row's full counts (`row` comes from the table at k = 1). Hidden when fewer than k
 * gave a number — the rule every summary of numbers follows (tally.service.ts) — and when any
 * answer cell of the same row of the per-answer table at k (`shown`) is hidden: a shown mean is
 * then a function of shown cells only, and n (who gave a number) cannot give a hidden "not
 * relevant" away; a point hidden for that reason carries the row's (shown) base as n.
 */
function codeMeanPoint(wave: string, row: Row | undefined, options: Option[], k: number, shown?: Row): TrendPoint {
  if (!row || row.answered === 0) return EMPTY(wave);
  if (shown && Object.values(shown.cells).some((c) => c?.suppressed))
    return { ...EMPTY(wave), n: shown.answered, suppressed: true, smallBase: shown.answered < SMALL_BASE };
  const numeric = numericOptions(options);
  const given = numeric.reduce((s, o) => s + (row.cells[o.value]?.count ?? 0), 0);
  if (k > 1 && given > 0 && given < k)
    return { ...EMPTY(wave), n: given, suppressed: true, smallBase: given < SMALL_BASE };
  let n = 0;
  let sum = 0;
  for (const o of numeric) {
    const c = row.cells[o.value]?.count ?? 0;
    n += c;
    sum += c * Number(o.value);
  }
  if (n === 0) return { ...EMPTY(wave), n: 0 };
  const mean = sum / n;
  let ss = 0;
  for (const o of numeric) ss += (row.cells[o.value]?.count ?? 0) * (Number(o.value) - mean) ** 2;
  const sd = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
  return {
    wave,
    n,
    count: null,
    value: mean,
    ...meanInterval(n, mean, sd),
    suppressed: false,
    smallBase: n < SMALL_BASE,
  };
}

/** Mean of a numeric question: n and mean from the table, the sd from the kept sums of squares. */
function numberMeanPoint(wave: string, row: Row | undefined, sd: number | undefined): TrendPoint {
  const s = row?.numbers;
  if (!row || !s) return EMPTY(wave);
  if ('suppressed' in s && s.suppressed) return { ...EMPTY(wave), suppressed: true };
  const sum = s as { n: number; mean: number };
  return {
    wave,
    n: sum.n,
    count: null,
    value: sum.mean,
    ...meanInterval(sum.n, sum.mean, sd ?? 0),
    suppressed: false,
    smallBase: sum.n < SMALL_BASE,
  };
}

/** Sample sd of a numeric variable per region (and 'all'), from the cube's sums of squares. */
async function numberSds(wave: string, v: Variable, filters: Filters): Promise<Map<string, number>> {
  const { groups } = await collect({ wave, variables: [v], by: 'region', filters, numbers: true });
  const out = new Map<string, number>();
  let n = 0;
  let sum = 0;
  let sumsq = 0;
  for (const [code, g] of groups) {
    const a = g.stats.get(v.name);
    const list = g.numbers.get(v.name);
    if (a) {
      out.set(code, sdOf(a));
      n += a.n;
      sum += a.sum;
      sumsq += a.sumsq;
    } else if (list?.length) {
      const m = list.reduce((x, y) => x + y, 0) / list.length;
      out.set(code, list.length > 1 ? Math.sqrt(list.reduce((x, y) => x + (y - m) ** 2, 0) / (list.length - 1)) : 0);
      n += list.length;
      sum += list.reduce((x, y) => x + y, 0);
      sumsq += list.reduce((x, y) => x + y * y, 0);
    }
  }
  if (n > 0) out.set('all', sdOf({ n, sum, sumsq, min: 0, max: 0, parts: [] }));
  return out;
}

function methodText(measure: Measure, k: number): Localized {
  const share = {
    ru: 'Доля — от ответивших на вопрос в регионе и волне; 95% доверительный интервал Уилсона.',
    en: 'A share is of those who answered the question in that region and wave; 95% Wilson interval.',
    uk: 'Частка — від тих, хто відповів на питання в регіоні та хвилі; 95% довірчий інтервал Вілсона.',
  };
  const mean = {
    ru: 'Среднее — по числовым ответам (ответ «не относится» не учитывается); 95% интервал: среднее ± 1,96·s/√n.',
    en: 'A mean is over the numeric answers ("not relevant" left out); 95% interval: mean ± 1.96·s/√n.',
    uk: 'Середнє — за числовими відповідями (відповідь «не стосується» не враховується); 95% інтервал: середнє ± 1,96·s/√n.',
  };
  const m = measure === 'share' ? share : mean;
  const legend = disclosureLegend(k);
  return {
    ru: `${m.ru} Вопросы сопоставлены по имени во всех версиях анкеты. ${legend.ru} * — база меньше ${SMALL_BASE}.`,
    en: `${m.en} Questions are matched by name across questionnaire versions. ${legend.en} * — base below ${SMALL_BASE}.`,
    uk: `${m.uk} Питання зіставлено за назвою в усіх версіях анкети. ${legend.uk} * — база менша за ${SMALL_BASE}.`,
  };
}

const sameTitle = (a: Localized, b: Localized) => a.ru === b.ru && a.en === b.en && a.uk === b.uk;

/** The series of one question across waves (2 to 12, in the order given). */
export async function trendSeries(
  waveCodes: string[],
  question: string,
  opts: { measure?: Measure; value?: string; filters?: Filters } & KRequest = {},
): Promise<Trends> {
  const filters: Filters = opts.filters ?? { status: 'complete' };
  if (new Set(waveCodes).size !== waveCodes.length)
    throw new BadRequestError('A wave is listed twice.', [{ name: 'query.waves', reason: 'repeated wave' }]);
  const catalogues: WaveCatalogue[] = await Promise.all(waveCodes.map((c) => waveCatalogue(c)));
  const found = catalogues.map((c) => findVariable(c.variables, question));
  const reference = [...found].reverse().find((v) => v && v.kind !== 'text');
  if (!reference)
    throw new BadRequestError(`No wave of the series has a choice or numeric question named "${question}".`, [
      { name: 'query.question', reason: 'not in any of the waves' },
    ]);
  const waves: TrendMatch[] = catalogues.map((c, i) => {
    const v = found[i];
    return {
      wave: c.wave.code,
      title: c.wave.title,
      questionnaire: c.questionnaire.id,
      match: !v || v.kind === 'text' ? 'missing' : sameTitle(v.title, reference.title) ? 'same' : 'title-changed',
      questionTitle: v ? v.title : null,
    };
  });
  const matched = waves.filter((w) => w.match !== 'missing').map((w) => w.wave);

  const tally = (k?: KRequest) =>
    Promise.all(
      matched.map((w) =>
        questionTally(w, question, 'region', filters, k ?? { k: opts.k, user: opts.user, trusted: opts.trusted }),
      ),
    );
  let tables: QuestionTally[] = await tally();
  const k = Math.max(...tables.map((t) => t.minCell));
  if (tables.some((t) => t.minCell !== k)) tables = await tally({ k, user: opts.user, trusted: true });
  const minimumK = Math.max(...tables.map((t) => t.minimumK));

  // Options: the latest wave's first, then any only older versions had.
  const options: Option[] = [];
  for (const t of [...tables].reverse())
    for (const o of t.options) if (!options.some((x) => x.value === o.value)) options.push(o);
  const measures = measuresOf(reference, options);
  const measure: Measure = opts.measure ?? measures[0];
  if (!measures.includes(measure))
    throw new BadRequestError(`"${question}" has no ${measure} to show.`, [
      { name: 'query.measure', reason: `one of: ${measures.join(', ')}` },
    ]);
  let value: Trends['value'] = null;
  if (measure === 'share') {
    const code = opts.value ?? options[0]?.value;
    const o = options.find((x) => x.value === code);
    if (!o)
      throw new BadRequestError(`"${String(code)}" is not an answer of "${question}".`, [
        { name: 'query.value', reason: 'not among the answers' },
      ]);
    value = { code: o.value, labels: o.labels };
  }
  const sds =
    measure === 'mean' && reference.kind === 'numeric'
      ? await Promise.all(
          matched.map((w, i) =>
            numberSds(w, findVariable(catalogues[waveCodes.indexOf(w)].variables, question)!, filters).then(
              (m) => [i, m] as const,
            ),
          ),
        ).then((list) => new Map(list))
      : undefined;

  // Means of answer codes are computed from the full counts (k = 1) and hidden by their own n.
  const raw =
    measure === 'mean' && reference.kind !== 'numeric'
      ? await Promise.all(matched.map((w) => questionTally(w, question, 'region', filters, { k: 1, trusted: true })))
      : undefined;
  const rawRow = (i: number, row: Row | undefined, code: string): Row | undefined => {
    if (!raw || !row) return row;
    return code === 'all' ? raw[i].total : raw[i].groups.find((g) => g.code === code);
  };
  const pointOf = (i: number, row: Row | undefined, code: string): TrendPoint => {
    const wave = matched[i];
    if (measure === 'share') return sharePoint(wave, row, value!.code);
    if (reference.kind === 'numeric') return numberMeanPoint(wave, row, sds?.get(i)?.get(code));
    return codeMeanPoint(wave, rawRow(i, row, code), options, k, row);
  };
  const lineOf = (code: string, names: Localized, rowAt: (t: QuestionTally) => Row | undefined): TrendLine => ({
    code,
    names,
    points: waves.map((w) => {
      const i = matched.indexOf(w.wave);
      return i < 0 ? EMPTY(w.wave) : pointOf(i, rowAt(tables[i]), code);
    }),
  });

  const regionNames = new Map<string, Localized>();
  for (const t of tables) for (const g of t.groups) if (!regionNames.has(g.code)) regionNames.set(g.code, g.names);
  const regions = [...regionNames]
    .map(([code, names]) => lineOf(code, names, (t) => t.groups.find((g) => g.code === code)))
    .sort(
      (a, b) =>
        b.points.reduce((s, p) => s + p.n, 0) - a.points.reduce((s, p) => s + p.n, 0) || a.code.localeCompare(b.code),
    );
  const overall = lineOf('all', tables[0].total.names, (t) => t.total);

  return {
    question: { name: reference.name, title: reference.title, kind: reference.kind, numeric: reference.numeric },
    measure,
    value,
    options,
    measures,
    waves,
    overall,
    regions,
    minCell: k,
    minimumK,
    legend: disclosureLegend(k),
    smallBase: SMALL_BASE,
    method: methodText(measure, k),
  };
}
