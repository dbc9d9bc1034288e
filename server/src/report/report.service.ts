// The annual report of a wave (optionally against the previous wave): the method (who was asked,
// response per region, bases, how shares, intervals and tests are computed, suppression), the
// findings per problem area / question (the share and its 95% interval, the change since the
// previous wave with its test), and region tables. Every figure comes from the per-question
// tables (tally.service.ts, the kept cube) under the one disclosure rule, at the report's k: the
// wave's minimum but at least the public default (5), since a report is published.
import { findRegion, type Localized } from '../reference/reference.service';
import { InvitationModel } from '../invitations/invitation.model';
import { waveCatalogue } from '../analytics/catalogue';
import { collect } from '../analytics/collect.service';
import { getMinCell } from '../analytics/coding.service';
import { complementary, effectiveK, primary, SMALL_BASE } from '../analytics/disclosure';
import { NO_FILTERS } from '../analytics/filters';
import { compareProportions, wilson } from '../analytics/stats';
import { questionTally, type KRequest, type Row } from '../analytics/tally.service';
import { findVariable, type Option, type Variable } from '../analytics/variables';
import { PUBLIC_K_DEFAULT } from '../publication/publication.service';

export type Estimate = {
  /** The base; null when it would give away a hidden answer ("not relevant" hidden, see estimate). */
  n: number | null;
  count: number | null;
  share: number | null;
  low: number | null;
  high: number | null;
  mean: number | null;
  suppressed: boolean;
  /** The mean is hidden: some answer cell of the row is hidden in the per-answer table at k. */
  meanSuppressed: boolean;
  smallBase: boolean;
};
export type RegionEstimate = Estimate & { code: string; names: Localized };
export type Finding = Estimate & {
  name: string;
  title: Localized;
  measure: 'acute' | 'top';
  option: { code: string; labels: Localized } | null;
  change: { pp: number; p: number | null; test: 'fisher' | 'z' | null; previousShare: number } | null;
  regions: RegionEstimate[];
};
export type Report = {
  wave: { code: string; title: Localized; opensAt: string | null; closesAt: string | null; questionnaire: string };
  previous: { code: string; title: Localized } | null;
  generatedAt: string;
  dataAsOf: string;
  k: number;
  smallBase: number;
  respondents: number;
  invited: number | null;
  response: { code: string; names: Localized; invited: number | null; responded: number; rate: number | null }[];
  method: Localized[];
  findings: Finding[];
  largestChanges: string[];
};

const SKIP_ROLES = new Set(['region', 'municipality', 'municipalityType', 'sizeClass', 'respondentRole', 'country']);
const numericCodes = (options: Option[]) =>
  options.filter((o) => o.value !== '' && Number.isFinite(Number(o.value))).map((o) => o.value);

/** The codes counted as "acute": the top two of a numeric scale of at least four points (4–5 of 1–5). */
export function acuteCodes(options: Option[]): string[] {
  const codes = numericCodes(options).sort((a, b) => Number(a) - Number(b));
  return codes.length >= 4 ? codes.slice(-2) : [];
}

const NONE: Estimate = {
  n: 0,
  count: null,
  share: null,
  low: null,
  high: null,
  mean: null,
  suppressed: false,
  meanSuppressed: false,
  smallBase: false,
};

/**
 * The estimate of a row: for a scale, the share rating it in the top two points among those who
 * gave a point ("not relevant" and the like left out) and the mean; else the share of `option`
 * among those who answered. Hidden when any count it needs is hidden.
 *
 * For a scale, `row` holds the full counts (the table at k = 1) and `shown` the same row of the
 * per-answer table at the report's k, which readers see next to the report (the public tables).
 * Nothing the report shows may be more than what those cells already give away:
 * - "4–5" (count, share, interval) is hidden when the two-cell table "4–5 / 1–3" breaks the rule
 *   (either cell 1 … k−1, or n < k) or when the 4 or the 5 of `shown` is hidden — else "4" + "5"
 *   would recover a hidden one by subtraction;
 * - the mean is hidden when any answer cell of `shown` is hidden (a shown mean is then a function
 *   of shown cells only);
 * - when a non-scale answer ("not relevant") is hidden, the base of those who gave a point would
 *   give it away (the row's base minus n), so the whole estimate, n included, is hidden.
 */
function estimate(
  row: Row | undefined,
  measure: 'acute' | 'top',
  options: Option[],
  option: string | null,
  k: number,
  shown?: Row,
): Estimate {
  if (!row || row.answered === 0) return NONE;
  if (measure === 'acute') {
    const scale = numericCodes(options);
    const counts = scale.map((c) => row.cells[c]?.count ?? 0);
    const n = counts.reduce((a, b) => a + b, 0);
    if (n === 0) return NONE;
    const top = acuteCodes(options);
    const count = scale.reduce((s, c, i) => s + (top.includes(c) ? counts[i] : 0), 0);
    const hiddenIn = (codes: string[]) => !!shown && codes.some((c) => shown.cells[c]?.suppressed);
    const others = options.map((o) => o.value).filter((c) => !scale.includes(c));
    const smallBase = n < SMALL_BASE;
    if (hiddenIn(others)) return { ...NONE, n: null, suppressed: true, meanSuppressed: true, smallBase };
    const meanSuppressed = hiddenIn(scale);
    const mean = meanSuppressed ? null : scale.reduce((s, c, i) => s + Number(c) * counts[i], 0) / n;
    if (primary(count, n, k) || primary(n - count, n, k) || hiddenIn(top))
      return { ...NONE, n, mean, meanSuppressed, suppressed: true, smallBase };
    const ci = wilson(count, n);
    return {
      n,
      count,
      share: count / n,
      low: ci.low,
      high: ci.high,
      mean,
      suppressed: false,
      meanSuppressed,
      smallBase,
    };
  }
  const cell = option ? row.cells[option] : undefined;
  if (!cell || cell.suppressed || cell.count === null)
    return { ...NONE, n: row.answered, suppressed: !!cell?.suppressed, smallBase: row.answered < SMALL_BASE };
  const ci = wilson(cell.count, row.answered);
  return {
    n: row.answered,
    count: cell.count,
    share: cell.count / row.answered,
    low: ci.low,
    high: ci.high,
    mean: null,
    suppressed: false,
    meanSuppressed: false,
    smallBase: row.answered < SMALL_BASE,
  };
}

/** The full "4–5" count of a row (for complementary suppression over the regions and the total). */
function acuteCount(row: Row | undefined, options: Option[]): number {
  const top = acuteCodes(options);
  return top.reduce((s, c) => s + (row?.cells[c]?.count ?? 0), 0);
}

/**
 * Complementary suppression of the "4–5" column: the regions add up to the total, so a line with
 * exactly one hidden "4–5" gets a second one (disclosure.ts, `complementary`).
 */
function suppressColumn(total: Estimate, regions: Estimate[], counts: number[]): void {
  const all = [...regions, total];
  const h = complementary(
    counts,
    all.map((e) => e.suppressed),
    [{ parts: regions.map((_, i) => i), total: regions.length }],
    (i) => all[i].n === 0,
  );
  all.forEach((e, i) => {
    if (h[i] && !e.suppressed) Object.assign(e, { count: null, share: null, low: null, high: null, suppressed: true });
  });
}

/** The questions a report covers: choice questions that are not the respondent profile. */
export function reportVariables(variables: Variable[]): Variable[] {
  return variables.filter(
    (v) => (v.kind === 'single' || v.kind === 'multi') && !(v.role && SKIP_ROLES.has(v.role)) && v.name !== 'country',
  );
}

function methodText(k: number, scope: string, access: string, hasPrevious: boolean): Localized[] {
  return [
    {
      ru: `Кого опрашивали: глав муниципальных образований (${scope}); доступ к анкете — ${access === 'invitation' ? 'по персональным приглашениям' : 'по публичной ссылке'}. Доля ответивших по региону — завершённые анкеты к числу приглашённых (для публичной ссылки число приглашённых неизвестно).`,
      en: `Who was asked: heads of municipalities (${scope}); the questionnaire was reached ${access === 'invitation' ? 'through personal invitations' : 'through a public link'}. A region's response rate is completed questionnaires over those invited (unknown for a public link).`,
      uk: `Кого опитували: голів громад (${scope}); доступ до анкети — ${access === 'invitation' ? 'за персональними запрошеннями' : 'за публічним посиланням'}. Частка тих, хто відповів, у регіоні — завершені анкети до кількості запрошених (для публічного посилання кількість запрошених невідома).`,
    },
    {
      ru: 'База — число ответивших на вопрос (в регионе или в целом). Для шкал 1–5 указана доля оценок 4–5 среди поставивших оценку (ответ «не относится» не учитывается) и среднее; для остальных вопросов — доля самого частого ответа среди ответивших.',
      en: 'The base is the number who answered the question (in the region or overall). For 1–5 scales the share rating 4–5 among those who gave a rating ("not relevant" left out) and the mean are shown; for other questions, the share of the most chosen answer among those who answered.',
      uk: 'База — кількість тих, хто відповів на питання (у регіоні чи загалом). Для шкал 1–5 наведено частку оцінок 4–5 серед тих, хто поставив оцінку (відповідь «не стосується» не враховується), і середнє; для інших питань — частку найчастішої відповіді серед тих, хто відповів.',
    },
    {
      ru: `Доверительные интервалы — 95% интервалы Уилсона.${hasPrevious ? ' Изменение с прошлой волной — в процентных пунктах; его значимость проверена точным критерием Фишера, если ожидаемая частота меньше 5, иначе z-критерием для двух долей.' : ''} База меньше ${SMALL_BASE} отмечена звёздочкой (*): такие оценки ненадёжны.`,
      en: `Intervals are 95% Wilson intervals.${hasPrevious ? " Changes since the previous wave are in percentage points, tested with Fisher's exact test when an expected count is below 5, otherwise the two-proportion z-test." : ''} Bases below ${SMALL_BASE} are marked with an asterisk (*): such estimates are unreliable.`,
      uk: `Довірчі інтервали — 95% інтервали Вілсона.${hasPrevious ? ' Зміна з минулою хвилею — у відсоткових пунктах; її значущість перевірено точним критерієм Фішера, якщо очікувана частота менша за 5, інакше z-критерієм для двох часток.' : ''} Базу, меншу за ${SMALL_BASE}, позначено зірочкою (*): такі оцінки ненадійні.`,
    },
    {
      ru: `Защита данных: значения, основанные менее чем на ${k} ответах, и ещё столько значений, чтобы скрытое нельзя было вычислить из итогов, скрыты и обозначены [c].`,
      en: `Disclosure control: figures based on fewer than ${k} answers, and further figures so that none can be worked out from the totals, are hidden and marked [c].`,
      uk: `Захист даних: значення, що спираються на менше ніж ${k} відповідей, і ще стільки значень, щоб приховане не можна було обчислити з підсумків, приховано й позначено [c].`,
    },
  ];
}

export async function buildReport(waveCode: string, opts: { previous?: string } & KRequest = {}): Promise<Report> {
  const cat = await waveCatalogue(waveCode);
  const prev = opts.previous ? await waveCatalogue(opts.previous) : undefined;
  const minimum = Math.max(await getMinCell(waveCode), prev ? await getMinCell(prev.wave.code) : 1);
  const k = effectiveK(minimum, opts.k ?? Math.max(minimum, PUBLIC_K_DEFAULT), opts.user, opts.trusted);
  const kReq: KRequest = { k, trusted: true };
  const FULL: KRequest = { k: 1, trusted: true };

  // Response per region: respondents from the cube, invitations from the invitation list.
  const { groups } = await collect({ wave: waveCode, variables: [], by: 'region', filters: NO_FILTERS });
  const invited = new Map<string, number>();
  const inv = await InvitationModel.aggregate<{ _id: string; n: number }>([
    { $match: { waveCode, status: { $ne: 'revoked' } } },
    { $group: { _id: '$municipality.regionCode', n: { $sum: 1 } } },
  ]);
  for (const d of inv) invited.set(d._id, d.n);
  const codes = [...new Set([...groups.keys(), ...invited.keys()])].filter((c) => c !== 'all' && c !== '');
  const response = codes
    .map((code) => {
      const responded = groups.get(code)?.respondents ?? 0;
      const inv = invited.get(code) ?? null;
      return {
        code,
        names: findRegion(code)?.names ?? { ru: code, en: code, uk: code },
        invited: inv,
        responded,
        rate: inv ? responded / inv : null,
      };
    })
    .sort((a, b) => b.responded - a.responded || a.code.localeCompare(b.code));
  const respondents = [...groups.values()].reduce((s, g) => s + g.respondents, 0);
  const invitedTotal = inv.length ? inv.reduce((s, d) => s + d.n, 0) : null;

  const findings: Finding[] = [];
  for (const v of reportVariables(cat.variables)) {
    const shown = await questionTally(waveCode, v.name, 'region', NO_FILTERS, kReq);
    const measure: Finding['measure'] = acuteCodes(shown.options).length ? 'acute' : 'top';
    // Shares of one answer read the table at the report's k; "4–5" shares the full counts (see estimate).
    const t = measure === 'acute' ? await questionTally(waveCode, v.name, 'region', NO_FILTERS, FULL) : shown;
    let option: Option | null = null;
    if (measure === 'top') {
      const shown = t.options.filter((o) => t.total.cells[o.value]?.count !== null && t.total.cells[o.value]);
      shown.sort((a, b) => (t.total.cells[b.value]?.count ?? 0) - (t.total.cells[a.value]?.count ?? 0));
      option = shown[0] ?? null;
      if (!option) option = t.options[0] ?? null;
    }
    const acute = measure === 'acute';
    const shownRow = (code: string) => (acute ? shown.groups.find((g) => g.code === code) : undefined);
    const est = estimate(t.total, measure, t.options, option?.value ?? null, k, acute ? shown.total : undefined);
    const regions: RegionEstimate[] = t.groups.map((g) => ({
      code: g.code,
      names: g.names,
      ...estimate(g, measure, t.options, option?.value ?? null, k, shownRow(g.code)),
    }));
    if (acute)
      suppressColumn(
        est,
        regions,
        [...t.groups, t.total].map((g) => acuteCount(g, t.options)),
      );
    let change: Finding['change'] = null;
    const pv = prev && findVariable(prev.variables, v.name);
    if (prev && pv && (pv.kind === 'single' || pv.kind === 'multi')) {
      const pt = await questionTally(prev.wave.code, v.name, 'region', NO_FILTERS, acute ? FULL : kReq);
      // The previous wave's "4–5" follows the same rule against its own per-answer table at k.
      const ps = acute ? await questionTally(prev.wave.code, v.name, 'region', NO_FILTERS, kReq) : undefined;
      const pe = estimate(pt.total, measure, acute ? pt.options : t.options, option?.value ?? null, k, ps?.total);
      if (
        pe.count !== null &&
        pe.share !== null &&
        pe.n !== null &&
        est.count !== null &&
        est.share !== null &&
        est.n !== null
      ) {
        const test = compareProportions(pe.count, pe.n, est.count, est.n);
        change = {
          pp: (est.share - pe.share) * 100,
          p: test?.p ?? null,
          test: test?.method ?? null,
          previousShare: pe.share,
        };
      }
    }
    findings.push({
      name: v.name,
      title: v.title,
      measure,
      option: option ? { code: option.value, labels: option.labels } : null,
      ...est,
      change,
      regions,
    });
  }
  const largestChanges = findings
    .filter((f) => f.change)
    .sort((a, b) => Math.abs(b.change!.pp) - Math.abs(a.change!.pp))
    .slice(0, 5)
    .map((f) => f.name);
  const scope = [...cat.wave.scope.countries, ...cat.wave.scope.regions].join(', ') || '—';
  const now = new Date().toISOString();
  return {
    wave: {
      code: cat.wave.code,
      title: cat.wave.title,
      opensAt: cat.wave.opensAt?.toISOString() ?? null,
      closesAt: cat.wave.closesAt?.toISOString() ?? null,
      questionnaire: cat.questionnaire.id,
    },
    previous: prev ? { code: prev.wave.code, title: prev.wave.title } : null,
    generatedAt: now,
    dataAsOf: now,
    k,
    smallBase: SMALL_BASE,
    respondents,
    invited: invitedTotal,
    response,
    method: methodText(k, scope, cat.wave.access, !!prev),
    findings,
    largestChanges,
  };
}
