import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { cloneWave, listQuestionnaires, type WaveAdmin } from '../../../api/admin';
import { ValueSelect } from '../../../components/Field';
import { SubmitButton } from '../../../components/form/Buttons';
import { CardForm } from '../../../components/form/CardForm';
import { TextField } from '../../../components/form/Fields';
import { DoneNote } from '../../../components/form/Notes';
import { useFields } from '../../../components/form/useFields';
import { useAction } from '../../../lib/useAction';
import { useRequest } from '../../../lib/useRequest';
import { dateInputToIso } from '../dates';
import { ProblemList } from '../ProblemList';
import { AllowMissingTranslations } from '../WaveFields';

/** A new draft wave from this one (next year's): its invitations copied, its questionnaire or a newer version. */
export function CloneForm({ wave: w }: { wave: WaveAdmin }) {
  const { t } = useTranslation();
  const { id, values, bind } = useFields({ code: '', titleRu: w.title.ru, opensAt: '', closesAt: '' });
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
  const submit = async () => {
    await run(async () => {
      const res = await cloneWave(w.code, {
        code: values.code.trim(),
        title: { ...w.title, ru: values.titleRu },
        opensAt: dateInputToIso(values.opensAt),
        closesAt: dateInputToIso(values.closesAt),
        questionnaireId,
        ...(allowMissing ? { allowMissingTranslations: true } : {}),
      });
      setDone({ code: res.code, n: res.invitationsCopied });
    });
  };
  return (
    <CardForm title={t('admin.wave.clone')} intro={t('admin.wave.cloneIntro')} onSubmit={submit}>
      <TextField {...bind('code')} label={t('admin.form.code')} required pattern="[A-Za-z0-9_\-]+" />
      <TextField {...bind('titleRu')} label={t('admin.form.titleRu')} required />
      <div className="field-row">
        <TextField {...bind('opensAt')} label={t('admin.form.opensAt')} type="date" />
        <TextField {...bind('closesAt')} label={t('admin.form.closesAt')} type="date" />
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
        <DoneNote>
          {t('admin.wave.cloned', done)}{' '}
          <Link to={`/admin/waves/${encodeURIComponent(done.code)}`}>{t('admin.wave.openClone')}</Link>
        </DoneNote>
      )}
      <SubmitButton busy={busy} label={t('admin.wave.cloneSubmit')} />
    </CardForm>
  );
}
