// The words for one server problem's reason code, from the locale files: the admin pages and
// the questionnaire editor show these instead of the server's English detail. Pure (no React),
// so the unit tests check it against the codes the server can give.
import type { TFunction } from 'i18next';
import ru from '../../i18n/locales/ru';

type ReasonCode = keyof typeof ru.admin.reason;
type TextLocale = keyof typeof ru.admin.lang;

const has = <T extends object>(o: T, k: string | undefined): k is Extract<keyof T, string> =>
  k !== undefined && Object.prototype.hasOwnProperty.call(o, k);

// Codes whose server text quotes what they concern (a property, a type, a question...).
const DETAIL = new Set<string>([
  'unknown_property',
  'unknown_type',
  'unknown_role',
  'unknown_obstacle',
  'invalid_expression',
  'no_question',
  'role_taken',
  'role_type',
]);

/** The reason in the user's language where its code is known; the server's text otherwise. */
export function reasonText(t: TFunction, p: { code?: string; reason: string }, code = p.code): string {
  if (!has(ru.admin.reason, code)) return p.reason;
  let what: string = t(`admin.reason.${code as ReasonCode}`);
  const json = /^line (\d+), column (\d+)/.exec(p.reason);
  if (json && (code === 'invalid_json' || code === 'json_error')) {
    what = `${what} (${t('admin.jsonAt', { line: json[1], column: json[2] })})`;
  }
  if (DETAIL.has(code)) {
    // What the server's text quotes first: the property, type, role, question or choice concerned.
    const detail = /"([^"]{1,80})"/.exec(p.reason);
    if (detail) what = `${what} (${detail[1]})`;
  }
  if (code === 'missing_translations') {
    // The server lists the languages and counts ("uk 3, en 1") before its examples of keys.
    const counts = [...(p.reason.split('(e.g.')[0] ?? '').matchAll(/\b(ru|uk|en) (\d+)\b/g)];
    const short = counts.filter((m) => Number(m[2]) > 0);
    if (short.length)
      what = `${what}: ${short
        .map((m) => t('admin.langCount', { lang: t(`admin.lang.${m[1] as TextLocale}`), n: Number(m[2]) }))
        .join(', ')}`;
  }
  return what;
}
