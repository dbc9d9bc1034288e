// The wave's minimum k (small-cell threshold) for coordinators and admins: every table on screen
// and in the exports hides values of fewer respondents; researchers may only choose a larger k.
// The server checks the value (a whole number 1…50) and writes the change to the audit log.
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/api';
import { getAnalysisSettings, setAnalysisMinCell } from '../../api/analysis';
import { SubmitButton } from '../../components/form/Buttons';
import { CardForm } from '../../components/form/CardForm';
import { TextField } from '../../components/form/Fields';
import { DoneNote, ProblemNote } from '../../components/form/Notes';
import { RequestError } from '../../components/RequestStatus';
import { useRequest } from '../../lib/useRequest';
import { errorText } from './ProblemList';

const MIN = 1;
const MAX = 50;

/** The typed value as k, or null when it is not a whole number from 1 to 50. */
export function parseK(text: string): number | null {
  const s = text.trim();
  if (!/^\d{1,3}$/.test(s)) return null;
  const k = Number(s);
  return k >= MIN && k <= MAX ? k : null;
}

export function MinCellForm({ code }: { code: string }) {
  const { t } = useTranslation();
  const id = useId();
  const settings = useRequest((signal) => getAnalysisSettings(code, signal), `min-k-${code}`);
  const [typed, setTyped] = useState<string | null>(null);
  const [invalid, setInvalid] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  /** The k last saved here (shown as the current one), and whether to say so. */
  const [saved, setSaved] = useState<number | null>(null);
  const [done, setDone] = useState(false);

  if (settings.status === 'loading') return null;
  if (settings.status === 'error') return <RequestError request={settings} />;
  const current = saved ?? settings.data.minCell;
  const value = typed ?? String(current);
  const k = parseK(value);

  const submit = async () => {
    setDone(false);
    setError(null);
    if (k === null) {
      setInvalid(true);
      return;
    }
    setInvalid(false);
    setBusy(true);
    try {
      const out = await setAnalysisMinCell(code, k);
      setSaved(out.minCell);
      setDone(true);
      setTyped(null);
    } catch (err) {
      // The server's verdict on the field reads like the form's own check; anything else as is.
      if (err instanceof ApiError && err.invalidParams.some((p) => p.name === 'body.minCell')) setInvalid(true);
      else setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <CardForm
      className="card admin-form min-k-form"
      title={t('issue12Finish.minK.title')}
      intro={t('issue12Finish.minK.intro')}
      onSubmit={submit}
      noValidate
      data-testid="min-k-form"
    >
      <p data-testid="min-k-current">
        <strong>{t('issue12Finish.minK.current', { k: current })}</strong>
      </p>
      <TextField
        id={`${id}-k`}
        label={t('issue12Finish.minK.label')}
        type="number"
        inputMode="numeric"
        min={MIN}
        max={MAX}
        step={1}
        value={value}
        aria-invalid={invalid || undefined}
        aria-describedby={invalid ? `${id}-err` : k === 1 ? `${id}-warn` : undefined}
        onChange={(e) => {
          setTyped(e.target.value);
          setInvalid(false);
          setDone(false);
        }}
        data-testid="min-k-input"
        after={
          invalid && (
            <p id={`${id}-err`} className="form-error" role="alert" data-testid="min-k-error">
              {t('issue12Finish.minK.invalid')}
            </p>
          )
        }
      />
      {k === 1 && (
        <p id={`${id}-warn`} className="notice notice--info" data-testid="min-k-warning">
          {t('issue12Finish.minK.oneWarning')}
        </p>
      )}
      {error !== null && (
        <ProblemNote testId="min-k-problem">
          {t('issue12Finish.minK.problems')}: {errorText(t, error)}
        </ProblemNote>
      )}
      {done && saved !== null && (
        <DoneNote testId="min-k-saved">{t('issue12Finish.minK.saved', { k: saved })}</DoneNote>
      )}
      <div className="form-actions">
        <SubmitButton
          busy={busy}
          label={t('issue12Finish.minK.save')}
          busyLabel={t('issue12Finish.minK.saving')}
          testId="min-k-save"
        />
      </div>
    </CardForm>
  );
}
