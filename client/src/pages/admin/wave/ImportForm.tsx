import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { listMunicipalityTypes, listRegions } from '../../../api/api';
import { importInvitations, importTemplateUrl, type ImportResult } from '../../../api/admin';
import { SubmitButton } from '../../../components/form/Buttons';
import { CardForm } from '../../../components/form/CardForm';
import { FileField } from '../../../components/form/Fields';
import { DoneNote } from '../../../components/form/Notes';
import { currentLocale } from '../../../i18n';
import { pick } from '../../../lib/format';
import { useAction } from '../../../lib/useAction';
import { useRequest } from '../../../lib/useRequest';
import { ProblemList, type CodeNames } from '../ProblemList';

/** Names of region and municipality type codes in the user's language (for the import's problems). */
function useCodeNames(lng: ReturnType<typeof currentLocale>): CodeNames {
  const regions = useRequest((signal) => listRegions(signal), 'import-regions');
  const types = useRequest((signal) => listMunicipalityTypes(signal), 'import-types');
  const names = new Map<string, string>();
  if (regions.status === 'ok') for (const r of regions.data) names.set(r.code, pick(r.names, lng));
  if (types.status === 'ok') for (const ty of types.data) names.set(ty.code, pick(ty.names, lng));
  return (c) => names.get(c);
}

/** Invitations from a CSV or XLSX list of municipalities; a refused list names its problems. */
export function ImportForm({ code, onImported }: { code: string; onImported?: () => void }) {
  const { t, i18n } = useTranslation();
  const lng = currentLocale(i18n.language);
  const codeNames = useCodeNames(lng);
  const [file, setFile] = useState<File | null>(null);
  const { busy, error, run } = useAction();
  const [result, setResult] = useState<ImportResult | null>(null);
  const submit = async () => {
    if (!file) return;
    setResult(null);
    const done = await run(async () => {
      const xlsx = /\.xlsx$/i.test(file.name);
      const content = xlsx ? await toBase64(file) : await file.text();
      setResult(await importInvitations(code, xlsx ? 'xlsx' : 'csv', content));
    });
    if (done) onImported?.();
  };
  return (
    <CardForm
      level={3}
      title={t('admin.invitations.importTitle')}
      intro={t('admin.invitations.importIntro')}
      onSubmit={submit}
    >
      <div className="template-links" data-testid="import-template">
        <p className="field__label">{t('invitationImport.templateTitle')}</p>
        <p className="muted small">{t('invitationImport.templateIntro')}</p>
        <ul className="link-list">
          <li>
            <a href={importTemplateUrl(code, 'xlsx', lng)} download>
              {t('invitationImport.templateXlsx')}
            </a>
          </li>
          <li>
            <a href={importTemplateUrl(code, 'csv', lng)} download>
              {t('invitationImport.templateCsv')}
            </a>
          </li>
          <li>
            <a href={importTemplateUrl(code, 'codes-csv', lng)} download>
              {t('invitationImport.codesCsv')}
            </a>
          </li>
        </ul>
      </div>
      <FileField
        label={t('admin.invitations.file')}
        required
        accept=".csv,.txt,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        onFile={(f) => setFile(f ?? null)}
      />
      {error !== null && (
        <ProblemList
          error={error}
          title={t('admin.invitations.problemsTitle')}
          kind="list"
          codeNames={codeNames}
          codesHref={importTemplateUrl(code, 'codes-csv', lng)}
        />
      )}
      {result && <DoneNote testId="import-done">{t('admin.invitations.imported', result)}</DoneNote>}
      <SubmitButton
        busy={busy}
        disabled={!file}
        label={t('admin.invitations.import')}
        busyLabel={t('admin.invitations.importing')}
      />
    </CardForm>
  );
}

async function toBase64(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
