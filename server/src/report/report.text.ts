// The words and number formats of the report, shared by the DOCX writer (the printed page has
// the same words in the client's locale files, section monitor.report).
import type { Localized } from '../reference/reference.service';
import { HIDDEN_MARK } from '../analytics/disclosure';
import type { Estimate, Finding, Report } from './report.service';

export type Lng = 'ru' | 'en' | 'uk';
const L = (ru: string, en: string, uk: string): Localized => ({ ru, en, uk });

export const WORDS = {
  title: L('Ежегодный доклад', 'Annual report', 'Щорічна доповідь'),
  method: L('1. Методика', '1. Method', '1. Методика'),
  response: L('Отклик по регионам', 'Response by region', 'Відгук за регіонами'),
  region: L('Регион', 'Region', 'Регіон'),
  invited: L('Приглашено', 'Invited', 'Запрошено'),
  responded: L('Ответили', 'Responded', 'Відповіли'),
  rate: L('Доля ответивших', 'Response rate', 'Частка тих, хто відповів'),
  summary: L('2. Основные результаты', '2. Main findings', '2. Основні результати'),
  largestShares: L('Наибольшие доли', 'Largest shares', 'Найбільші частки'),
  largestChanges: L(
    'Наибольшие изменения с прошлой волны',
    'Largest changes since the last wave',
    'Найбільші зміни з минулої хвилі',
  ),
  noPrevious: L(
    'Предыдущая волна не выбрана: изменения не рассчитывались.',
    'No previous wave chosen: changes were not computed.',
    'Попередню хвилю не обрано: зміни не розраховувалися.',
  ),
  areas: L(
    '3. Результаты по проблемным областям',
    '3. Findings per problem area',
    '3. Результати за проблемними сферами',
  ),
  area: L('Проблема / вопрос', 'Problem area / question', 'Проблема / питання'),
  share: L('Доля [95% ДИ]', 'Share [95% CI]', 'Частка [95% ДІ]'),
  mean: L('Среднее', 'Mean', 'Середнє'),
  change: L('Изменение, п.п.', 'Change, pp', 'Зміна, в.п.'),
  test: L('Проверка', 'Test', 'Перевірка'),
  base: L('База', 'Base', 'База'),
  acute: L('доля оценок 4–5', 'share rating it 4–5', 'частка оцінок 4–5'),
  top: L('чаще всего', 'most chosen', 'найчастіше'),
  total: L('Все регионы', 'All regions', 'Усі регіони'),
  wave: L('Волна', 'Wave', 'Хвиля'),
  previous: L('Сравнение с волной', 'Compared with wave', 'Порівняння з хвилею'),
  generated: L('Подготовлено', 'Generated', 'Підготовлено'),
  respondents: L('Ответили', 'Respondents', 'Відповіли'),
} as const;

const INTL: Record<Lng, string> = { ru: 'ru-RU', en: 'en-GB', uk: 'uk-UA' };
export const pct = (x: number, lng: Lng) =>
  new Intl.NumberFormat(INTL[lng], { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(x);
export const num = (x: number, lng: Lng, d = 0) =>
  new Intl.NumberFormat(INTL[lng], { minimumFractionDigits: d, maximumFractionDigits: d }).format(x);

export function shareText(e: Estimate, lng: Lng): string {
  if (e.suppressed) return HIDDEN_MARK;
  if (e.share === null) return '—';
  const ci = e.low !== null && e.high !== null ? ` [${pct(e.low, lng)}–${pct(e.high, lng)}]` : '';
  return `${pct(e.share, lng)}${ci}${e.smallBase ? '*' : ''}`;
}

/** The base: hidden ([c]) when it would give a hidden answer away. */
export const baseText = (e: Estimate, lng: Lng): string => (e.n === null ? HIDDEN_MARK : num(e.n, lng));

/** The mean: [c] when some answer cell of the row is hidden (or the whole estimate is), '—' when none. */
export function meanText(e: Estimate, lng: Lng): string {
  if (e.mean !== null) return num(e.mean, lng, 2);
  return e.meanSuppressed ? HIDDEN_MARK : '—';
}

export function changeText(f: Finding, lng: Lng): string {
  if (!f.change) return '—';
  const sign = f.change.pp > 0 ? '+' : f.change.pp < 0 ? '−' : '';
  return `${sign}${num(Math.abs(f.change.pp), lng, 1)}`;
}

export function testText(f: Finding, lng: Lng): string {
  if (!f.change || f.change.p === null) return '—';
  const name = f.change.test === 'fisher' ? (lng === 'en' ? 'Fisher' : lng === 'uk' ? 'Фішер' : 'Фишер') : 'z';
  const p = f.change.p < 0.001 ? '< 0.001' : num(f.change.p, lng, 3);
  return `${name}, p = ${p}${f.change.p < 0.05 ? ' ✓' : ''}`;
}

export function measureText(f: Finding, lng: Lng): string {
  return f.measure === 'acute' ? WORDS.acute[lng] : `${WORDS.top[lng]}: ${f.option?.labels[lng] ?? ''}`;
}

/** The short area label: a matrix row title is "question: row", the row is what a reader needs. */
export function areaLabel(f: Finding, lng: Lng): string {
  const t = f.title[lng];
  const i = t.lastIndexOf(': ');
  return f.name.includes('_') && i > 0 && f.measure === 'acute' ? t.slice(i + 2) : t;
}

/** The problem areas (rated 1–5) when there are any, else every question; largest share first. */
export function byShare(r: Report): Finding[] {
  const areas = r.findings.some((f) => f.measure === 'acute')
    ? r.findings.filter((f) => f.measure === 'acute')
    : r.findings;
  return areas.filter((f) => f.share !== null).sort((a, b) => (b.share ?? 0) - (a.share ?? 0));
}
