// Texts the server writes itself, in ru (the default), uk and en: one JSON file per language,
// by section (`exports`: the headings and notes of the exported analysis tables). Every language
// must have every key of ru (the types below refuse a file that lacks one).
import ru from './ru.json';
import uk from './uk.json';
import en from './en.json';

export type Lang = 'ru' | 'uk' | 'en';
export type Section = keyof typeof ru;
export type Labels<S extends Section> = Record<keyof (typeof ru)[S], string>;

const RESOURCES: Record<Lang, { [S in Section]: Labels<S> }> = { ru, uk, en };

/** The labels of one section in `lang`. */
export function labels<S extends Section>(lang: Lang, section: S): Labels<S> {
  return RESOURCES[lang][section];
}

/** One label in `lang`, its `{name}` placeholders filled from `vars` (others left as they are). */
export function label<S extends Section>(
  lang: Lang,
  section: S,
  key: keyof Labels<S>,
  vars: Record<string, string | number> = {},
): string {
  return labels(lang, section)[key].replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}
