import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { downloadLinks } from '../../../api/admin';
import { saveBlob } from '../../../lib/download';
import { useAction } from '../../../lib/useAction';
import { DoneNote, ProblemNote } from '../../../components/form/Notes';
import { errorText } from '../ProblemList';

/** The personal links as a CSV or XLSX file (issuing the tokens of those not yet issued). */
export function LinksForm({ code }: { code: string }) {
  const { t } = useTranslation();
  const id = useId();
  const [scope, setScope] = useState<'unissued' | 'all'>('unissued');
  const { busy, error, run } = useAction();
  const [done, setDone] = useState<{ n: number; file: string } | null>(null);
  const download = async (format: 'csv' | 'xlsx') => {
    if (scope === 'all' && !window.confirm(t('admin.invitations.confirmAll'))) return;
    setDone(null);
    await run(async () => {
      const { blob, filename, issued } = await downloadLinks(code, format, scope);
      saveBlob(blob, filename);
      setDone({ n: issued, file: filename });
    });
  };
  return (
    <section className="card admin-form" aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>{t('admin.invitations.linksTitle')}</h3>
      <p className="muted">{t('admin.invitations.linksIntro')}</p>
      <fieldset className="fieldset">
        <legend>{t('admin.invitations.linksScope')}</legend>
        {(['unissued', 'all'] as const).map((s) => (
          <label key={s} className="choice">
            <input type="radio" name={`${id}-scope`} checked={scope === s} onChange={() => setScope(s)} />
            {s === 'unissued' ? t('admin.invitations.scopeUnissued') : t('admin.invitations.scopeAll')}
          </label>
        ))}
      </fieldset>
      <div className="form-actions">
        <button type="button" className="button" disabled={busy} onClick={() => void download('csv')}>
          {t('admin.invitations.linksCsv')}
        </button>
        <button type="button" className="button" disabled={busy} onClick={() => void download('xlsx')}>
          {t('admin.invitations.linksXlsx')}
        </button>
      </div>
      {error !== null && <ProblemNote>{errorText(t, error)}</ProblemNote>}
      {done && <DoneNote testId="links-done">{t('admin.invitations.linksIssued', done)}</DoneNote>}
    </section>
  );
}
