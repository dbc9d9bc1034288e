import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { cloneWave, listQuestionnaires, type WaveAdmin } from '../../../api/admin';
import { ValueSelect } from '../../../components/Field';
import { useAction } from '../../../lib/useAction';
import { useRequest } from '../../../lib/useRequest';
import { dateInputToIso } from '../dates';
import { ProblemList } from '../ProblemList';
import { AllowMissingTranslations } from '../WaveFields';

/** A new draft wave from this one (next year's): its invitations copied, its questionnaire or a newer version. */
export function CloneForm({ wave: w }: { wave: WaveAdmin }) {
  const { t } = useTranslation();
  const id = useId();
  const [code, setCode] = useState('');
  const [titleRu, setTitleRu] = useState(w.title.ru);
  const [opensAt, setOpensAt] = useState('');
  const [closesAt, setClosesAt] = useState('');
  const { busy, error, run } = useAction();
  const [done, setDone] = useState<{ code: string; n: number } | null>(null);
  // The same questionnaire or a newer version of it (e.g. one saved in the editor).
  const [qKey, qVersion] = w.questionnaireId.split('@');
  const library = useRequest((signal) => listQuestionnaires(signal), `clone-versions-${w.questionnaireId}`);
  const versions =
    library.status === 'ok'
      ? library.data.filter((q) => q.key === qKey && q.version >= Number(qVersion)).map((q) => q.id)
      : [w.questionnaireId];
  const [questionnaireId, setQuestionnaireId] = useState(w.questionnaireId);
  const [allowMissing, setAllowMissing] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await run(async () => {
      const res = await cloneWave(w.code, {
        code: code.trim(),
        title: { ...w.title, ru: titleRu },
        opensAt: dateInputToIso(opensAt),
        closesAt: dateInputToIso(closesAt),
        questionnaireId,
        ...(allowMissing ? { allowMissingTranslations: true } : {}),
      });
      setDone({ code: res.code, n: res.invitationsCopied });
    });
  };
  return (
    <form className="card admin-form" onSubmit={(e) => void submit(e)} aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t('admin.wave.clone')}</h2>
      <p className="muted">{t('admin.wave.cloneIntro')}</p>
      <div className="field">
        <label htmlFor={`${id}-code`}>{t('admin.form.code')}</label>
        <input
          id={`${id}-code`}
          required
          pattern="[A-Za-z0-9_\-]+"
          value={code}
          onChange={(e) => setCode(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-title`}>{t('admin.form.titleRu')}</label>
        <input id={`${id}-title`} required value={titleRu} onChange={(e) => setTitleRu(e.target.value)} />
      </div>
      <div className="field-row">
        <div className="field">
          <label htmlFor={`${id}-opens`}>{t('admin.form.opensAt')}</label>
          <input id={`${id}-opens`} type="date" value={opensAt} onChange={(e) => setOpensAt(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-closes`}>{t('admin.form.closesAt')}</label>
          <input id={`${id}-closes`} type="date" value={closesAt} onChange={(e) => setClosesAt(e.target.value)} />
        </div>
      </div>
      <ValueSelect
        id={`${id}-version`}
        label={t('editor.clone.version')}
        value={questionnaireId}
        options={versions}
        onChange={setQuestionnaireId}
      />
      <AllowMissingTranslations id={id} checked={allowMissing} onChange={setAllowMissing} />
      {error !== null && <ProblemList error={error} title={t('admin.wave.cloneProblems')} kind="form" />}
      {done && (
        <p className="notice notice--success" role="status">
          {t('admin.wave.cloned', done)}{' '}
          <Link to={`/admin/waves/${encodeURIComponent(done.code)}`}>{t('admin.wave.openClone')}</Link>
        </p>
      )}
      <button type="submit" className="button" disabled={busy}>
        {t('admin.wave.cloneSubmit')}
      </button>
    </form>
  );
}
