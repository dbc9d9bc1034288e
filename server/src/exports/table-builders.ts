// The analysis results as sheets with headers in the researcher's language. Shares are written
// as percentages (0–100, one decimal); a hidden cell reads "[c]" (analytics/disclosure.ts), and
// the legend of the rule is a note of every table.
import type { Localized } from '../reference/reference.service';
import type { Cell, NumberCell, ObstacleTally, QuestionTally } from '../analytics/tally.service';
import type { Crosstab } from '../analytics/crosstab.service';
import type { CompareRow, Comparison } from '../analytics/compare.service';
import type { RegionProfile } from '../analytics/region.service';
import type { TextAnswers } from '../analytics/texts.service';
import { dimensionLabel } from '../analytics/filters';
import { HIDDEN_MARK, SMALL_BASE, smallBaseNote } from '../analytics/disclosure';
import type { Sheet, SheetCell } from './tables';
import { label, labels, type Labels } from '../i18n';

export type Lng = keyof Localized;

/** The headings and notes of the tables in the researcher's language (server/src/i18n). */
const wordsOf = (lng: Lng) => labels(lng, 'exports');
const say = (lng: Lng, key: keyof Labels<'exports'>, vars: Record<string, string | number>) =>
  label(lng, 'exports', key, vars);

const pct = (x: number | null | undefined): SheetCell =>
  x === null || x === undefined ? null : Math.round(x * 1000) / 10;
const round = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;

const X = HIDDEN_MARK;

function cellValues(c: Cell | undefined, _k?: number): SheetCell[] {
  if (!c) return [0, 0, null, null];
  if (c.suppressed) return [X, X, null, null];
  return [c.count, pct(c.share), pct(c.low), pct(c.high)];
}

/** The rule of the table (the same legend as on screen) and the small-base flag. */
function protectionNote(lng: Lng, _protect: boolean, _k: number, legend?: Localized): string[] {
  return [...(legend ? [legend[lng]] : []), smallBaseNote()[lng]];
}

/** The headings of the four columns `cellValues` writes for one option. */
const cellHeaders = (name: string, lng: Lng): string[] => {
  const w = wordsOf(lng);
  return [w.n, w.pct, w.low, w.high].map((h) => `${name}, ${h}`);
};
const smallHeader = (lng: Lng) => say(lng, 'smallBase', { n: SMALL_BASE });
const small = (answered: number | null | undefined): SheetCell =>
  answered !== null && answered !== undefined && answered < SMALL_BASE ? '*' : null;

/** Obstacles × regions, obstacles overall with CI, respondents per region. */
export function tallySheets(t: ObstacleTally, lng: Lng): Sheet[] {
  const w = wordsOf(lng);
  const notes = [
    `${w.wave}: ${t.wave.title[lng]} (${t.wave.code})`,
    t.base.text[lng],
    ...protectionNote(lng, t.protected, t.minCell, t.legend),
  ];
  const header = [
    w.code,
    w.region,
    w.respondents,
    ...t.obstacles.flatMap((o) => cellHeaders(o.labels[lng], lng)),
    smallHeader(lng),
  ];
  const line = (code: string, name: string, n: number, answered: number, counts: Record<string, Cell>) => [
    code,
    name,
    n,
    ...t.obstacles.flatMap((o) => cellValues(counts[o.code], t.minCell)),
    small(answered),
  ];
  const pctCols = t.obstacles.flatMap((_o, i) => [3 + i * 4 + 1, 3 + i * 4 + 2, 3 + i * 4 + 3]);
  const byRegion: Sheet = {
    name: w.tally,
    title: w.tally,
    notes,
    header,
    rows: [
      ...t.regions.map((r) => line(r.code, r.names[lng], r.respondents, r.answered, r.counts)),
      line('', w.total, t.total.respondents, t.total.answered, t.total.counts),
    ],
    percentColumns: pctCols,
  };
  const overall: Sheet = {
    name: w.overall,
    title: w.overall,
    notes,
    header: [w.code, w.obstacle, w.n, w.pct, w.low, w.high],
    rows: t.obstacles.map((o) => [o.code, o.labels[lng], ...cellValues(t.total.counts[o.code], t.minCell)]),
    percentColumns: [3, 4, 5],
  };
  const perRegion: Sheet = {
    name: w.perRegion,
    title: w.perRegion,
    notes,
    header: [w.code, w.region, w.respondents],
    rows: [...t.regions.map((r) => [r.code, r.names[lng], r.respondents]), ['', w.total, t.total.respondents]],
  };
  return [byRegion, overall, perRegion];
}

function numberValues(n: NumberCell | undefined, _k?: number): SheetCell[] {
  if (!n) return [0, null, null, null, null, null];
  if ('suppressed' in n && n.suppressed) return [X, X, X, X, X, X];
  const s = n as Exclude<NumberCell, null | { suppressed: true }>;
  return [s.n, round(s.sum), round(s.mean), round(s.median), s.min, s.max];
}

/** How the rows of a per-region table are ordered: by the name in the export's language, or by code. */
export type RowOrder = 'name' | 'code';

/** Rows sorted by name (in `lng`) or by code; the total row is not among them. */
export function orderRows<T extends { code: string; names: Localized }>(rows: T[], order: RowOrder, lng: Lng): T[] {
  const collator = new Intl.Collator(lng);
  return [...rows].sort((a, b) =>
    order === 'code'
      ? a.code.localeCompare(b.code, 'en')
      : collator.compare(a.names[lng] || a.code, b.names[lng] || b.code) || a.code.localeCompare(b.code, 'en'),
  );
}

/**
 * The rows of a table by region in reading order: each country's regions (in the chosen order),
 * then that country's subtotal; regions of no country; the total last. Without subtotals the
 * groups in the chosen order, then the total.
 */
export function rowsWithSubtotals<R extends { code: string; names: Localized }, S extends R & { regions: string[] }>(
  groups: R[],
  subtotals: S[],
  total: R,
  order: RowOrder,
  lng: Lng,
): { row: R; kind: 'group' | 'subtotal' | 'total' }[] {
  const out: { row: R; kind: 'group' | 'subtotal' | 'total' }[] = [];
  const placed = new Set<string>();
  for (const s of orderRows(subtotals, order, lng)) {
    const members = new Set(s.regions);
    for (const g of orderRows(
      groups.filter((x) => members.has(x.code)),
      order,
      lng,
    )) {
      out.push({ row: g, kind: 'group' });
      placed.add(g.code);
    }
    out.push({ row: s, kind: 'subtotal' });
  }
  for (const g of orderRows(
    groups.filter((x) => !placed.has(x.code)),
    order,
    lng,
  ))
    out.push({ row: g, kind: 'group' });
  out.push({ row: total, kind: 'total' });
  return out;
}

/**
 * One question by a dimension: code and name columns first, the groups in the chosen order (by
 * region across countries: each country's regions followed by the country's subtotal), the
 * total row last. Choice questions: count, share and its 95% Wilson interval per answer; numbers:
 * n, sum, mean, median, min, max.
 */
export function questionSheets(q: QuestionTally, lng: Lng, order: RowOrder = 'name'): Sheet[] {
  const w = wordsOf(lng);
  const notes = [
    `${w.wave}: ${q.wave.title[lng]} (${q.wave.code})`,
    q.base.text[lng],
    ...protectionNote(lng, q.protected, q.minCell, q.legend),
  ];
  const lines = rowsWithSubtotals(q.groups, q.subtotals ?? [], q.total, order, lng);
  const rows = lines.map((l) => l.row);
  const kindOf = new Map(lines.map((l) => [l.row, l.kind]));
  const first = (r: (typeof rows)[number]): SheetCell[] =>
    kindOf.get(r) === 'total'
      ? ['', w.total]
      : kindOf.get(r) === 'subtotal'
        ? [r.code, say(lng, 'subtotal', { c: r.names[lng] })]
        : [r.code, r.names[lng]];
  const sheets: Sheet[] = [];
  if (q.options.length) {
    sheets.push({
      name: q.variable.name,
      title: q.variable.title[lng],
      notes,
      header: [
        w.code,
        q.byName[lng],
        w.respondents,
        w.answered,
        ...q.options.flatMap((o) => cellHeaders(o.labels[lng], lng)),
        smallHeader(lng),
      ],
      rows: rows.map((r) => [
        ...first(r),
        r.respondents,
        r.answered,
        ...q.options.flatMap((o) => cellValues(r.cells[o.value], q.minCell)),
        small(r.answered),
      ]),
      percentColumns: q.options.flatMap((_o, i) => [4 + i * 4 + 1, 4 + i * 4 + 2, 4 + i * 4 + 3]),
    });
  }
  if (q.variable.numeric) {
    sheets.push({
      name: `${q.variable.name} (n)`,
      title: q.variable.title[lng],
      notes,
      header: [w.code, q.byName[lng], w.respondents, 'n', w.sum, w.mean, w.median, w.min, w.max, smallHeader(lng)],
      rows: rows.map((r) => [...first(r), r.respondents, ...numberValues(r.numbers, q.minCell), small(r.answered)]),
    });
  }
  return sheets;
}

/** A text question's answers: region code and name, municipality, text; by region name or code. */
export function textSheets(
  wave: { code: string; title: Localized },
  title: Localized,
  texts: TextAnswers,
  lng: Lng,
  order: RowOrder = 'name',
): Sheet[] {
  const w = wordsOf(lng);
  const rows = texts.items.map((a) => ({ code: a.region, names: dimensionLabel('region', a.region), a }));
  const ordered = orderRows(rows, order, lng); // stable: answers of a region stay in the order given
  return [
    {
      name: w.texts,
      title: title[lng],
      notes: [
        `${w.wave}: ${wave.title[lng]} (${wave.code})`,
        say(lng, 'textsCount', { n: texts.total }),
        ...(texts.total > texts.items.length ? [say(lng, 'textsCut', { n: texts.items.length })] : []),
      ],
      header: [w.code, w.region, w.municipality, w.text],
      rows: ordered.map((r) => [r.code, r.names[lng], r.a.municipality, r.a.text]),
    },
  ];
}

export function crosstabSheets(c: Crosstab, lng: Lng): Sheet[] {
  const w = wordsOf(lng);
  const chi = c.chiSquare;
  const statistic = chi ? `${w.chi} = ${round(chi.statistic)}, ${w.df}: ${chi.df}` : '';
  const test = chi
    ? c.test?.method === 'chi-square'
      ? [`${statistic}, ${w.p} = ${round(chi.p)}`]
      : c.test?.method === 'fisher'
        ? [
            statistic,
            say(lng, 'lowExpected', { n: chi.lowExpected, m: chi.cells }),
            `${w.fisher}: ${w.p} = ${round(c.test.p)}`,
          ]
        : [statistic, say(lng, 'invalidChi', { n: chi.lowExpected, m: chi.cells })]
    : [c.noTest === 'multi' ? w.noTestMulti : w.noTestSmall];
  const notes = [
    `${w.wave}: ${c.wave.title[lng]} (${c.wave.code})`,
    `${c.row.title[lng]} × ${c.col.title[lng]}`,
    c.base.text[lng],
    ...test,
    ...protectionNote(lng, c.protected, c.minCell, c.legend),
  ];
  const header = [c.row.title[lng].slice(0, 120), ...c.cols.map((o) => o.labels[lng]), w.total];
  const sup = X;
  // As on screen: the margin across the percentages in the table's own terms — in row % the
  // total row is each column's share of everyone, in column % the total column each row's; the
  // other margin stays the base (count) of the percentages.
  const share = (t: number | null) => (t === null ? sup : c.n ? pct(t / c.n) : null);
  const count = (t: number | null) => t ?? sup;
  type Mode = 'counts' | 'row' | 'col';
  const make = (name: string, value: (i: number, j: number) => SheetCell, mode: Mode): Sheet => ({
    name,
    title: `${name}: ${c.row.title[lng]} × ${c.col.title[lng]}`,
    notes,
    header,
    rows: [
      ...c.rows.map((o, i) => [
        o.labels[lng],
        ...c.cols.map((_x, j) => value(i, j)),
        mode === 'col' ? share(c.rowTotals[i]) : count(c.rowTotals[i]),
      ]),
      [w.total, ...c.colTotals.map((t) => (mode === 'row' ? share(t) : count(t))), c.n],
    ],
    percentColumns:
      mode === 'counts'
        ? []
        : mode === 'row'
          ? c.cols.map((_x, j) => j + 1)
          : [...c.cols.map((_x, j) => j + 1), c.cols.length + 1],
  });
  const cell = (i: number, j: number) => c.cells[i][j];
  return [
    make(w.counts, (i, j) => (cell(i, j).suppressed ? sup : cell(i, j).count), 'counts'),
    make(w.rowPct, (i, j) => (cell(i, j).rowShare === null ? sup : pct(cell(i, j).rowShare)), 'row'),
    make(w.colPct, (i, j) => (cell(i, j).colShare === null ? sup : pct(cell(i, j).colShare)), 'col'),
  ];
}

export function compareSheets(c: Comparison, lng: Lng, order: RowOrder = 'name'): Sheet[] {
  const w = wordsOf(lng);
  const notes = [
    `A: ${c.a.title[lng]} (${c.a.code}, ${c.a.questionnaire}); B: ${c.b.title[lng]} (${c.b.code}, ${c.b.questionnaire})`,
    c.variable.title[lng],
    c.base.text[lng],
    ...protectionNote(lng, c.protected, c.minCell, c.legend),
  ];
  const rows = [...orderRows(c.regions, order, lng), c.total];
  const presence = (p: string) => (p === 'both' ? w.both : p === 'a' ? w.onlyA : w.onlyB);
  /** The first columns of both sheets: region code, name, in which waves it is. */
  const leadHeader = [w.code, w.region, w.presence];
  const lead = (r: (typeof rows)[number]): SheetCell[] => [
    r.code === 'all' ? '' : r.code,
    r.code === 'all' ? w.total : r.names[lng],
    presence(r.presence),
  ];
  const share = (cell: Cell | undefined): SheetCell => (!cell ? null : cell.suppressed ? X : pct(cell.share));
  const sheets: Sheet[] = [];
  if (c.options.length) {
    sheets.push({
      name: w.comparison,
      title: `${w.comparison}: ${c.variable.title[lng]}`,
      notes,
      header: [
        ...leadHeader,
        `A: ${w.answered}`,
        `B: ${w.answered}`,
        ...c.options.flatMap((o) => [
          `${o.labels[lng]}, A %`,
          `${o.labels[lng]}, B %`,
          `${o.labels[lng]}, ${w.change}`,
          `${o.labels[lng]}, p`,
          `${o.labels[lng]}, ${w.test}`,
        ]),
        smallHeader(lng),
      ],
      rows: rows.map((r) => [
        ...lead(r),
        r.a?.answered ?? null,
        r.b?.answered ?? null,
        ...c.options.flatMap((o) => {
          const ch = r.changes[o.value];
          return [
            share(r.a?.cells[o.value]),
            share(r.b?.cells[o.value]),
            ch ? round(ch.pp, 1) : null,
            ch?.p === null || ch?.p === undefined ? null : round(ch.p),
            ch?.test === 'fisher' ? w.fisher : ch?.test === 'z' ? w.zTest : null,
          ];
        }),
        r.smallBase ? '*' : null,
      ]),
    });
  }
  if (c.variable.numeric) {
    type Stat = 'n' | 'sum' | 'mean';
    const stat = (n: NumberCell | undefined, k: Stat): SheetCell => (!n ? null : 'suppressed' in n ? X : round(n[k]));
    const rel = (ch: CompareRow['sumChange']): SheetCell =>
      ch?.rel !== null && ch?.rel !== undefined ? round(ch.rel * 100, 1) : null;
    sheets.push({
      name: `${w.comparison} (${w.sum})`,
      title: `${w.comparison}: ${c.variable.title[lng]}`,
      notes,
      header: [
        ...leadHeader,
        'A: n',
        'B: n',
        `A: ${w.sum}`,
        `B: ${w.sum}`,
        w.sumChangeAbs,
        w.sumChangeRel,
        `A: ${w.mean}`,
        `B: ${w.mean}`,
        w.absChange,
        w.meanChangeRel,
        smallHeader(lng),
      ],
      rows: rows.map((r) => [
        ...lead(r),
        stat(r.a?.numbers, 'n'),
        stat(r.b?.numbers, 'n'),
        stat(r.a?.numbers, 'sum'),
        stat(r.b?.numbers, 'sum'),
        r.sumChange ? round(r.sumChange.abs) : null,
        rel(r.sumChange),
        stat(r.a?.numbers, 'mean'),
        stat(r.b?.numbers, 'mean'),
        r.numberChange ? round(r.numberChange.abs) : null,
        rel(r.numberChange),
        r.smallBase ? '*' : null,
      ]),
    });
  }
  return sheets;
}

export function regionSheets(p: RegionProfile, lng: Lng): Sheet[] {
  const w = wordsOf(lng);
  const notes = [
    `${w.wave}: ${p.wave.title[lng]} (${p.wave.code}); ${w.region}: ${p.region.names[lng]}`,
    p.base.text[lng],
    `${w.respondents}: ${w.region} ${p.respondents.region}, ${w.country} ${p.respondents.country}, ${w.total} ${p.respondents.overall}`,
    ...protectionNote(lng, p.protected, p.minCell, p.legend),
  ];
  const s = (c: Cell) => (c.suppressed ? X : pct(c.share));
  return [
    {
      name: p.region.names[lng],
      title: `${p.region.names[lng]}: ${w.overall}`,
      notes,
      header: [
        w.code,
        w.obstacle,
        `${w.region}, ${w.n}`,
        `${w.region}, %`,
        `${w.country}, %`,
        `${w.total}, %`,
        say(lng, 'diffRest', { c: p.baseline.names[lng] }),
        'p',
        w.test,
        smallHeader(lng),
      ],
      rows: p.obstacles.map((o) => [
        o.code,
        o.labels[lng],
        o.region.suppressed ? X : o.region.count,
        s(o.region),
        s(o.country),
        s(o.overall),
        o.diffPp === null ? null : round(o.diffPp, 1),
        o.p === null ? null : round(o.p),
        o.test === 'fisher' ? w.fisher : o.test === 'z' ? w.zTest : null,
        o.smallBase ? '*' : null,
      ]),
    },
    {
      name: w.municipalities,
      title: `${p.region.names[lng]}: ${w.municipalities}`,
      notes,
      header: [w.municipality, w.type, w.size, w.status, w.respondedAt],
      rows: p.municipalities.map((m) => [
        m.name,
        dimensionLabel('municipalityType', m.type)[lng],
        dimensionLabel('sizeClass', m.sizeClass)[lng],
        m.status === 'not_started'
          ? w.notStarted
          : m.status === 'started'
            ? w.started
            : m.status === 'completed'
              ? w.completed
              : m.status === 'revoked'
                ? w.revoked
                : w.responded,
        m.respondedAt ? m.respondedAt.slice(0, 10) : null,
      ]),
      dateColumns: [4],
    },
  ];
}
