import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Locale } from '../api/api';
import ru from './locales/ru';
import type { Messages } from './locales/ru';
import { DEFAULT_LOCALE, isLocale, LOCALES, saveLocale, savedLocale } from './locale';

export { DEFAULT_LOCALE, isLocale, LOCALES } from './locale';

function reflectLocale(lng: string): void {
  document.documentElement.lang = lng;
  document.title = i18n.t('app.productName');
}

// Russian (the default and the fallback) ships in the entry bundle; Ukrainian and English load
// when first chosen, so the respondent's first page carries one language, not three.
const LOADERS: Record<Exclude<Locale, 'ru'>, () => Promise<{ default: Messages }>> = {
  uk: () => import('./locales/uk'),
  en: () => import('./locales/en'),
};

/** Makes sure the messages of `lng` are loaded (at once for Russian). */
export async function loadLocale(lng: Locale): Promise<void> {
  if (lng === 'ru' || i18n.hasResourceBundle(lng, 'translation')) return;
  const { default: messages } = await LOADERS[lng]();
  i18n.addResourceBundle(lng, 'translation', messages);
}

export function setLocale(lng: Locale): void {
  saveLocale(lng);
  void loadLocale(lng).then(
    () => i18n.changeLanguage(lng),
    () => i18n.changeLanguage(lng), // offline: the Russian fallback shows until the next try
  );
}

/** The saved language's messages, loaded before the first render (no flash of Russian). */
export function loadSavedLocale(): Promise<void> {
  return loadLocale(savedLocale()).catch(() => undefined);
}

/** The active UI language narrowed to the three we support. */
export function currentLocale(lng: string = i18n.language): Locale {
  return isLocale(lng) ? lng : DEFAULT_LOCALE;
}

i18n.on('languageChanged', reflectLocale);

void i18n.use(initReactI18next).init({
  resources: { ru: { translation: ru } },
  partialBundledLanguages: true,
  lng: savedLocale(),
  fallbackLng: DEFAULT_LOCALE,
  supportedLngs: LOCALES.map((l) => l.code),
  initAsync: false,
  interpolation: { escapeValue: false }, // React escapes
  react: { useSuspense: false },
  returnNull: false,
});

export default i18n;
