import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { ApiError, apiErrorMessageKey, type InvalidParam } from '../../api/api';
import ru from '../../i18n/locales/ru';
import { reasonText } from './reason-text';

type FieldName = keyof typeof ru.admin.field;
type ConflictCode = keyof typeof ru.admin.conflict;

const has = <T extends object>(o: T, k: string | undefined): k is Extract<keyof T, string> =>
  k !== undefined && Object.prototype.hasOwnProperty.call(o, k);

/** `kind`: what the names refer to (questions of a questionnaire, lines of a list, fields of a form). */
export type ProblemKind = 'questionnaire' | 'list' | 'form';

/** One server problem in the user's language where we know its code; the server's text otherwise. */
export function problemText(t: TFunction, p: InvalidParam, kind: ProblemKind): { where: string; what: string } {
  let code = p.code;
  if (kind === 'list' && code === 'unknown_type') code = 'unknown_type_mo';
  let what = reasonText(t, p, code);
  let where = p.name;
  const line = /^line (\d+)(?:\.(\w+))?$/.exec(p.name);
  if (kind === 'list' && line) {
    const field = line[2];
    const fieldName = field && has(ru.admin.field, field) ? t(`admin.field.${field as FieldName}`) : field;
    where = t('admin.line', { line: line[1] });
    if (p.column && fieldName) where += `, ${t('invitationImport.column', { column: p.column, name: fieldName })}`;
    else if (fieldName) where += `, ${fieldName}`;
    if (code === 'duplicate') {
      const first = /line (\d+)/.exec(p.reason);
      if (first) what = t('invitationImport.duplicateOf', { line: first[1] });
    }
    if (p.value !== undefined) what += ` — ${t('invitationImport.value', { value: p.value })}`;
  } else if (kind === 'form') {
    const name = p.name.replace(/^body\./, '').replace(/\.\d+$/, '');
    where = has(ru.admin.field, name) ? t(`admin.field.${name as FieldName}`) : name;
  } else if (p.name === '(json)' || p.name === '(root)' || p.name === '(definition)') {
    where = t('admin.field.definition');
  }
  return { where, what };
}

/** The message for a refused request: a known conflict in words, else the generic text. */
export function errorText(t: TFunction, err: unknown): string {
  if (err instanceof ApiError && has(ru.admin.conflict, err.code))
    return t(`admin.conflict.${err.code as ConflictCode}`);
  return t(apiErrorMessageKey(err));
}

/** Names of codes (regions, municipality types) for the "allowed" lists of a refused import. */
export type CodeNames = (code: string) => string | undefined;

/** At most this many allowed codes are listed inline; longer lists fold into a disclosure. */
const INLINE_CODES = 12;

/** What a refused import row would have accepted: the codes with their names. */
function AllowedCodes({ p, codeNames, codesHref }: { p: InvalidParam; codeNames?: CodeNames; codesHref?: string }) {
  const { t } = useTranslation();
  const allowed = p.allowed ?? [];
  if (allowed.length === 0) return null;
  const label = (c: string) => {
    const name = codeNames?.(c);
    return name ? `${c} — ${name}` : c;
  };
  const link = codesHref ? (
    <a href={codesHref} download>
      {t('invitationImport.codesLink')}
    </a>
  ) : null;
  if (allowed.length <= INLINE_CODES) {
    return (
      <div className="allowed-codes">
        {t('invitationImport.allowed')}{' '}
        <ul className="code-list code-list--inline">
          {allowed.map((c) => (
            <li key={c}>
              <code>{c}</code>
              {codeNames?.(c) ? ` (${codeNames(c)})` : ''}
            </li>
          ))}
        </ul>
      </div>
    );
  }
  return (
    <details className="allowed-codes">
      <summary>{t('invitationImport.allowedMany', { count: allowed.length })}</summary>
      <ul className="code-list">
        {allowed.map((c) => (
          <li key={c}>{label(c)}</li>
        ))}
      </ul>
      {link && <p>{link}</p>}
    </details>
  );
}

const INTRO: Record<
  ProblemKind,
  'admin.problemsIntro' | 'invitationImport.problemsIntro' | 'invitationImport.fileIntro'
> = {
  form: 'admin.problemsIntro',
  list: 'invitationImport.problemsIntro',
  questionnaire: 'invitationImport.fileIntro',
};

/** A refused form: the reason, and each problem the server listed (focused so it is noticed). */
export function ProblemList({
  error,
  title,
  kind,
  codeNames,
  codesHref,
}: {
  error: unknown;
  title: string;
  kind: ProblemKind;
  /** For an import: names of the allowed codes, and a link to the file that lists them. */
  codeNames?: CodeNames;
  codesHref?: string;
}) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, [error]);
  const params = error instanceof ApiError ? error.invalidParams : [];
  return (
    <div ref={ref} tabIndex={-1} className="notice notice--error" role="alert" data-testid="problems">
      <p className="notice__title">{title}</p>
      <p>{params.length ? t(INTRO[kind]) : errorText(t, error)}</p>
      {params.length > 0 && (
        <ul className="invalid-list">
          {params.map((p, i) => {
            const { where, what } = problemText(t, p, kind);
            return (
              <li key={`${p.name}-${i}`}>
                <strong>{where}</strong>: {what}
                {kind === 'list' && <AllowedCodes p={p} codeNames={codeNames} codesHref={codesHref} />}
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
