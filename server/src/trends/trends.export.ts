// A trend series as one long-format table: one row per wave × region (overall first).
import { HIDDEN_MARK } from '../analytics/disclosure';
import type { Sheet, SheetCell } from '../exports/tables';
import type { Trends } from './trends.service';

type Lng = 'ru' | 'en' | 'uk';
const round = (x: number | null, d = 6): SheetCell => (x === null ? null : Number(x.toFixed(d)));

export const TREND_COLUMNS = [
  'wave',
  'region',
  'question',
  'value',
  'n',
  'share',
  'low',
  'high',
  'mean',
  'suppressed',
  'small_base',
] as const;

export function trendSheet(t: Trends, lng: Lng): Sheet {
  const rows: SheetCell[][] = [];
  for (const line of [t.overall, ...t.regions])
    for (const p of line.points) {
      if (p.n === 0 && !p.suppressed) continue; // region absent from that wave
      const hidden = p.suppressed;
      const share = t.measure === 'share';
      rows.push([
        p.wave,
        line.code,
        t.question.name,
        share ? (t.value?.code ?? '') : 'mean',
        p.n,
        hidden ? HIDDEN_MARK : share ? round(p.value) : null,
        hidden ? HIDDEN_MARK : round(p.low),
        hidden ? HIDDEN_MARK : round(p.high),
        hidden ? HIDDEN_MARK : share ? null : round(p.value),
        hidden ? 1 : 0,
        p.smallBase ? 1 : 0,
      ]);
    }
  return {
    name: t.question.name.slice(0, 31),
    title: `${t.question.title[lng]}${t.value ? ` — ${t.value.labels[lng]}` : ''}`,
    notes: [t.method[lng]],
    header: [...TREND_COLUMNS],
    rows,
  };
}
