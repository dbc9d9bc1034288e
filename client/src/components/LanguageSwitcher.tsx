import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { currentLocale, isLocale, LOCALES, setLocale } from '../i18n';

export function LanguageSwitcher() {
  const { t, i18n } = useTranslation();
  const id = useId();
  return (
    <div className="lang-switcher">
      <label htmlFor={id} className="lang-switcher__label">
        {t('app.language')}
      </label>
      <select
        id={id}
        data-testid="language-switcher"
        value={currentLocale(i18n.language)}
        onChange={(e) => {
          if (isLocale(e.target.value)) setLocale(e.target.value);
        }}
      >
        {LOCALES.map((l) => (
          <option key={l.code} value={l.code} lang={l.code}>
            {l.name}
          </option>
        ))}
      </select>
    </div>
  );
}
