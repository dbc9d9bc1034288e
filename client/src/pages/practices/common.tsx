// Shared bits of the practices pages: names of codes, chips, the vocabulary hook.
import { useTranslation } from 'react-i18next';
import { currentLocale } from '../../i18n';
import { pick } from '../../lib/format';
import { useRequest } from '../../lib/useRequest';
import { getVocabulary, type Vocabulary } from '../../api/practices';
import type { Locale } from '../../api/api';
import './practices.css';

export function useVocabulary() {
  return useRequest(getVocabulary, 'practices-vocabulary');
}

export function usePracticeLocale(): Locale {
  const { i18n } = useTranslation();
  return currentLocale(i18n.language);
}

export type Namer = {
  obstacle: (c: string) => string;
  field: (c: string) => string;
  form: (c: string) => string;
  region: (c: string) => string;
  type: (c: string) => string;
  size: (c: string) => string;
};

export function namer(v: Vocabulary | undefined, lng: Locale): Namer {
  const find = <T extends { code: string }>(list: T[] | undefined, c: string, get: (x: T) => string) => {
    const x = list?.find((i) => i.code === c);
    return x ? get(x) || c : c;
  };
  return {
    obstacle: (c) => find(v?.obstacles, c, (o) => pick(o.labels, lng)),
    field: (c) => find(v?.fields, c, (o) => pick(o.names, lng)),
    form: (c) => find(v?.forms, c, (o) => pick(o.names, lng)),
    region: (c) => find(v?.regions, c, (o) => pick(o.names, lng)),
    type: (c) => find(v?.municipalityTypes, c, (o) => pick(o.names, lng)),
    size: (c) => find(v?.sizeClasses, c, (o) => pick(o.names, lng)),
  };
}

export function Chips({ items, kind }: { items: string[]; kind: 'obstacle' | 'field' | 'place' }) {
  if (!items.length) return null;
  return (
    <ul className={`practice-chips practice-chips--${kind}`}>
      {items.map((i) => (
        <li key={i} className="practice-chip">
          {i}
        </li>
      ))}
    </ul>
  );
}

export function years(from: number | null, to: number | null): string {
  if (from && to) return from === to ? String(from) : `${from}–${to}`;
  if (from) return `${from}–`;
  return to ? String(to) : '';
}
