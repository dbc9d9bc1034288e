// The UI languages and the saved choice: shared by the app's translator (./index.ts) and the
// respondent entry's (../respondent/i18n.ts). Free of i18next so the respondent's stays small.
import type { Locale } from '../api/api';

export const LOCALES: readonly { code: Locale; name: string }[] = [
  { code: 'ru', name: 'Русский' },
  { code: 'uk', name: 'Українська' },
  { code: 'en', name: 'English' },
];
export const DEFAULT_LOCALE: Locale = 'ru';
const STORAGE_KEY = 'lsg-barometer:lang';

export function isLocale(value: unknown): value is Locale {
  return value === 'ru' || value === 'uk' || value === 'en';
}

/** The language chosen before in this browser (Russian when none, or storage is blocked). */
export function savedLocale(): Locale {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    return isLocale(saved) ? saved : DEFAULT_LOCALE;
  } catch {
    return DEFAULT_LOCALE; // storage blocked (privacy mode): fall back silently
  }
}

/** Keeps the choice for the next visit (not kept when storage is blocked; it still applies now). */
export function saveLocale(lng: Locale): void {
  try {
    localStorage.setItem(STORAGE_KEY, lng);
  } catch {
    // not persisted; the choice still applies to this page
  }
}
