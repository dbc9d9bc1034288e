import type { Locale, Localized } from '../api/api';

/** The text in the requested language, else Russian, else whatever is there. */
export function pick(text: Partial<Localized> | undefined, lng: Locale): string {
  if (!text) return '';
  return text[lng] || text.ru || text.en || text.uk || '';
}

/** The number and date formats of each UI language. */
export const INTL_LOCALE: Record<Locale, string> = { ru: 'ru-RU', uk: 'uk-UA', en: 'en-GB' };

export function formatDate(iso: string | null | undefined, lng: Locale): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return new Intl.DateTimeFormat(INTL_LOCALE[lng], { dateStyle: 'long' }).format(d);
}

export function formatDateTime(iso: string | null | undefined, lng: Locale): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return new Intl.DateTimeFormat(INTL_LOCALE[lng], { dateStyle: 'long', timeStyle: 'short' }).format(d);
}

/** share is 0..1; shown with one decimal, e.g. "34,5 %" in Russian, "34.5%" in English. */
export function formatShare(share: number, lng: Locale): string {
  return new Intl.NumberFormat(INTL_LOCALE[lng], {
    style: 'percent',
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  }).format(share);
}

export function formatNumber(n: number, lng: Locale): string {
  return new Intl.NumberFormat(INTL_LOCALE[lng]).format(n);
}

/** A whole percentage (0..100) for axis ticks: "40 %" in Russian, "40%" in English. */
export function formatPercent(value: number, lng: Locale): string {
  return new Intl.NumberFormat(INTL_LOCALE[lng], { style: 'percent', maximumFractionDigits: 0 }).format(value / 100);
}
