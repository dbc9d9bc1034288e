// Stands in for react-i18next in the respondent entry (client/vite.config.ts `--mode respondent`):
// useTranslation() over the respondent's own translator (./i18n.ts), re-rendering on a language change.
import { useSyncExternalStore } from 'react';
import i18n, { type TFunction } from './i18n';

function subscribe(onChange: () => void): () => void {
  i18n.on('languageChanged', onChange);
  return () => i18n.off('languageChanged', onChange);
}

// One function per language, so effects that depend on `t` run again after a change.
const byLanguage = new Map<string, TFunction>();
function tFor(lng: string): TFunction {
  let t = byLanguage.get(lng);
  if (!t) byLanguage.set(lng, (t = (key, options) => i18n.t(key, options)));
  return t;
}

export function useTranslation(): { t: TFunction; i18n: typeof i18n } {
  const lng = useSyncExternalStore(subscribe, () => i18n.language);
  return { t: tFor(lng), i18n };
}
