import { useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { collectTexts, setText, TEXT_LOCALES, type TextLocale } from '../../../../../server/src/questionnaires/texts';
import type { Json } from './ops';
import { importTranslations, translationsWorkbook, type TranslationImport } from './xlsx';
import { SmallButton } from '../../../components/form/Buttons';
import { CheckField } from '../../../components/form/Fields';
import { saveBlob } from '../../../lib/download';

type Props = {
  definition: Json;
  fileName: string;
  onChange: (definition: Json, coalesce?: string) => void;
};

/** Every text of the questionnaire in ru / uk / en side by side; missing ones highlighted and counted. */
export function TranslationTable({ definition, fileName, onChange }: Props) {
  const { t } = useTranslation();
  const id = useId();
  const texts = useMemo(() => collectTexts(definition), [definition]);
  const missing = useMemo(() => {
    const m: Record<TextLocale, number> = { ru: 0, uk: 0, en: 0 };
    for (const x of texts) for (const l of TEXT_LOCALES) if (!x.values[l].trim()) m[l]++;
    return m;
  }, [texts]);
  const [onlyMissing, setOnlyMissing] = useState(false);
  const [report, setReport] = useState<Omit<TranslationImport, 'definition'> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const shown = onlyMissing ? texts.filter((x) => TEXT_LOCALES.some((l) => !x.values[l].trim())) : texts;
  const total = missing.ru + missing.uk + missing.en;

  const exportFile = async () => {
    setError(null);
    try {
      const data = await translationsWorkbook(definition);
      saveBlob(
        new Blob([data], { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }),
        fileName,
      );
    } catch {
      setError(t('editor.tr.exportFailed'));
    }
  };
  const importFile = async (file: File | undefined) => {
    if (!file) return;
    setError(null);
    try {
      const result = await importTranslations(definition, await file.arrayBuffer());
      const { definition: next, ...rest } = result;
      setReport(rest);
      if (rest.changes.length) onChange(next);
    } catch {
      setError(t('editor.tr.importFailed'));
    }
  };

  return (
    <section className="card editor-translations" aria-labelledby={`${id}-h`} data-testid="translations">
      <h2 id={`${id}-h`}>{t('editor.tr.title')}</h2>
      <p className="muted">{t('editor.tr.intro')}</p>
      <p
        role="status"
        data-testid="missing-counts"
        className={total ? 'notice notice--warning' : 'notice notice--success'}
      >
        {total
          ? t('editor.tr.missing', { ru: missing.ru, uk: missing.uk, en: missing.en })
          : t('editor.tr.complete', { n: texts.length })}
      </p>
      <div className="field-row">
        <CheckField
          id={`${id}-only`}
          label={t('editor.tr.onlyMissing')}
          checked={onlyMissing}
          onChange={setOnlyMissing}
        />
        <SmallButton secondary onClick={() => void exportFile()}>
          {t('editor.tr.export')}
        </SmallButton>
        <label className="button button--small button--secondary" htmlFor={`${id}-file`}>
          {t('editor.tr.import')}
        </label>
        <input
          id={`${id}-file`}
          className="visually-hidden"
          type="file"
          data-testid="translations-import"
          accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          onChange={(e) => {
            void importFile(e.target.files?.[0]);
            e.target.value = '';
          }}
        />
      </div>
      {error && (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      )}
      {report && (
        <div className="notice" role="status" data-testid="import-report">
          <p>
            {t('editor.tr.report', {
              changed: report.changes.length,
              unknown: report.unknownKeys.length,
              absent: report.absentKeys.length,
            })}
          </p>
          {report.changes.length > 0 && (
            <ul className="editor-report">
              {report.changes.slice(0, 50).map((c, i) => (
                <li key={i}>
                  <code>{c.key}</code> [{c.locale}]: <del>{c.before || '∅'}</del> → <ins>{c.after || '∅'}</ins>
                </li>
              ))}
            </ul>
          )}
          {report.unknownKeys.length > 0 && (
            <p className="small">
              {t('editor.tr.unknown')} {report.unknownKeys.slice(0, 10).join(', ')}
            </p>
          )}
        </div>
      )}
      <div className="table-scroll">
        <table className="data-table editor-tr-table">
          <caption className="visually-hidden">{t('editor.tr.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('editor.tr.key')}</th>
              {TEXT_LOCALES.map((l) => (
                <th scope="col" key={l}>
                  {l} {missing[l] > 0 && <span className="badge badge--warning">{missing[l]}</span>}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {shown.map((x) => (
              <tr key={x.key} data-key={x.key}>
                <th scope="row">
                  <code className="small">{x.key}</code>
                </th>
                {TEXT_LOCALES.map((l) => {
                  const empty = !x.values[l].trim();
                  return (
                    <td key={l} className={empty ? 'editor-missing' : undefined}>
                      <textarea
                        rows={x.values.ru.length > 80 ? 3 : 2}
                        aria-label={t('editor.tr.cell', { key: x.key, lang: l })}
                        aria-invalid={empty}
                        value={x.values[l]}
                        onChange={(e) => onChange(setText(definition, x.path, l, e.target.value), `${x.key}/${l}`)}
                      />
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
