import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Region } from '../../api/api';
import { currentLocale } from '../../i18n';
import { TextField } from '../../components/form/Fields';
import { pick } from '../../lib/format';
import { SmallButton } from '../../components/form/Buttons';

type Country = 'RU' | 'UA';

type Props = {
  id: string;
  /** Every region of the chosen countries. */
  regions: Region[];
  countries: Country[];
  value: string[];
  onChange: (codes: string[]) => void;
  disabled?: boolean;
};

/**
 * The wave's region scope: type to filter by name or code, tick regions (native checkboxes, so
 * Tab and Space work), select or clear all regions of a country; the number chosen is announced.
 */
export function RegionPicker({ id, regions, countries, value, onChange, disabled }: Props) {
  const { t, i18n } = useTranslation();
  const lng = currentLocale(i18n.language);
  const [query, setQuery] = useState('');
  const chosen = new Set(value);
  const q = query.trim().toLocaleLowerCase(lng);

  const byCountry = countries.map((c) => ({
    country: c,
    all: regions
      .filter((r) => r.country === c)
      .map((r) => ({ code: r.code, name: pick(r.names, lng) }))
      .sort((a, b) => a.name.localeCompare(b.name, lng)),
  }));
  const matches = (r: { code: string; name: string }) =>
    !q || r.name.toLocaleLowerCase(lng).includes(q) || r.code.toLocaleLowerCase(lng).includes(q);
  const shownCount = byCountry.reduce((n, g) => n + g.all.filter(matches).length, 0);
  const count = value.length;

  const set = (codes: Iterable<string>) => {
    const next = new Set(codes);
    // Keep the order of the directory, so an unchanged choice compares equal (and, while the
    // directory is still loading, keep the codes as they are).
    onChange(regions.length ? regions.map((r) => r.code).filter((c) => next.has(c)) : [...next]);
  };
  const toggle = (code: string, on: boolean) => {
    const next = new Set(chosen);
    if (on) next.add(code);
    else next.delete(code);
    set(next);
  };

  return (
    <fieldset className="fieldset region-picker" aria-describedby={`${id}-search-hint`} data-testid="region-picker">
      <legend>{t('admin.form.regions')}</legend>
      <p id={`${id}-count`} className="region-picker__count" aria-live="polite" data-testid="region-count">
        {count > 0 ? t('regionPicker.chosen', { count }) : t('regionPicker.chosenNone')}
      </p>
      <TextField
        id={`${id}-search`}
        label={t('regionPicker.search')}
        hint={t('regionPicker.searchHint')}
        type="search"
        autoComplete="off"
        value={query}
        disabled={disabled}
        onChange={(e) => setQuery(e.target.value)}
      />
      {byCountry.map(({ country, all }) => {
        const shown = all.filter(matches);
        const name = t(`admin.form.country.${country}`);
        return (
          <div key={country} className="region-picker__group" role="group" aria-labelledby={`${id}-${country}`}>
            <div className="region-picker__head">
              <span id={`${id}-${country}`} className="field__label">
                {name}
              </span>
              <SmallButton secondary disabled={disabled} onClick={() => set([...value, ...all.map((r) => r.code)])}>
                {t('regionPicker.selectAll', { country: name })}
              </SmallButton>
              <SmallButton
                secondary
                disabled={disabled}
                onClick={() => {
                  const mine = new Set(all.map((r) => r.code));
                  set(value.filter((c) => !mine.has(c)));
                }}
              >
                {t('regionPicker.clearAll', { country: name })}
              </SmallButton>
            </div>
            {shown.length > 0 && (
              <ul className="region-picker__list">
                {shown.map((r) => (
                  <li key={r.code}>
                    <label className="choice">
                      <input
                        type="checkbox"
                        name="regions"
                        value={r.code}
                        disabled={disabled}
                        checked={chosen.has(r.code)}
                        onChange={(e) => toggle(r.code, e.target.checked)}
                      />
                      <span>
                        {r.name} <span className="muted">({r.code})</span>
                      </span>
                    </label>
                  </li>
                ))}
              </ul>
            )}
          </div>
        );
      })}
      {shownCount === 0 && <p className="muted">{t('regionPicker.noMatch')}</p>}
      {count > 0 && (
        <div>
          <SmallButton secondary disabled={disabled} onClick={() => onChange([])}>
            {t('regionPicker.clear')}
          </SmallButton>
        </div>
      )}
    </fieldset>
  );
}
