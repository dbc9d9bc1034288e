// The respondent entry's translator (respond.html, client/vite.config.ts `--mode respondent`):
// stands in for client/src/i18n/index.ts with the same exports, without i18next and without the
// staff strings. Its messages are the sections of the app's locales the respondent pages use,
// picked at build time (virtual:lsg-respondent-messages/*); Russian ships with the entry,
// Ukrainian and English load when chosen. Plurals follow Intl.PluralRules, as i18next does.
import ru from 'virtual:lsg-respondent-messages/ru';
import type { Locale } from '../api/api';
import { DEFAULT_LOCALE, isLocale, saveLocale, savedLocale } from '../i18n/locale';

export type Messages = Record<string, unknown>;
export type TOptions = Record<string, unknown>;
export type TFunction = (key: string, options?: TOptions) => string;

export { DEFAULT_LOCALE, isLocale, LOCALES } from '../i18n/locale';

const resources: Partial<Record<Locale, Messages>> = { ru };
const LOADERS: Record<Exclude<Locale, 'ru'>, () => Promise<{ default: Messages }>> = {
  uk: () => import('virtual:lsg-respondent-messages/uk'),
  en: () => import('virtual:lsg-respondent-messages/en'),
};

function lookup(lng: Locale, key: string): unknown {
  let node: unknown = resources[lng];
  for (const part of key.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

function translate(lng: Locale, key: string, options: TOptions = {}): string {
  let text: unknown;
  for (const l of lng === DEFAULT_LOCALE ? [lng] : [lng, DEFAULT_LOCALE]) {
    if (typeof options.count === 'number') {
      const form = new Intl.PluralRules(l).select(options.count);
      text = lookup(l, `${key}_${form}`) ?? lookup(l, `${key}_other`);
    }
    text ??= lookup(l, key);
    if (typeof text === 'string') break;
  }
  if (typeof text !== 'string') return key;
  return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (all, name: string) => (name in options ? String(options[name]) : all));
}

type Listener = (lng: string) => void;
const listeners = new Set<Listener>();

/** The subset of i18next's instance the respondent pages use. */
const i18n = {
  language: savedLocale() as string,
  get resolvedLanguage(): string {
    return this.language;
  },
  t: ((key, options) => translate(currentLocale(i18n.language), key, options)) as TFunction,
  async changeLanguage(lng: string): Promise<TFunction> {
    if (isLocale(lng) && lng !== i18n.language) {
      i18n.language = lng;
      for (const l of listeners) l(lng);
    }
    return i18n.t;
  },
  on(event: 'languageChanged', listener: Listener): void {
    if (event === 'languageChanged') listeners.add(listener);
  },
  off(event: 'languageChanged', listener: Listener): void {
    if (event === 'languageChanged') listeners.delete(listener);
  },
};

export async function loadLocale(lng: Locale): Promise<void> {
  if (resources[lng]) return;
  const { default: messages } = await LOADERS[lng as Exclude<Locale, 'ru'>]();
  resources[lng] = messages;
}

export function setLocale(lng: Locale): void {
  saveLocale(lng);
  void loadLocale(lng).then(
    () => i18n.changeLanguage(lng),
    () => i18n.changeLanguage(lng),
  );
}

export function loadSavedLocale(): Promise<void> {
  return loadLocale(savedLocale()).catch(() => undefined);
}

export function currentLocale(lng: string = i18n.language): Locale {
  return isLocale(lng) ? lng : DEFAULT_LOCALE;
}

function reflectLocale(lng: string): void {
  document.documentElement.lang = lng;
  document.title = i18n.t('app.productName');
}
i18n.on('languageChanged', reflectLocale);

export default i18n;
