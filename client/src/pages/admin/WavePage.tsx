import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { getWaveAdmin } from '../../api/admin';
import { ErrorNotice, isRetryable } from '../../components/ErrorNotice';
import { Loading } from '../../components/Loading';
import { PageHeading } from '../../components/PageHeading';
import { currentLocale } from '../../i18n';
import { pick } from '../../lib/format';
import { useRequest } from '../../lib/useRequest';
import { AdminNav } from './AdminNav';
import { ResponseBoard } from './ResponseBoard';
import { MailPanel } from './MailPanel';
import { TallyJobs } from './TallyJobs';
import { MinCellForm } from './MinCellForm';
import { PublishPanel } from '../monitor/PublishPanel';
import { CloneForm } from './wave/CloneForm';
import { ImportForm } from './wave/ImportForm';
import { Lifecycle } from './wave/Lifecycle';
import { LinksForm } from './wave/LinksForm';
import { WaveEditForm } from './wave/WaveEditForm';
import { WaveHistory } from './wave/WaveHistory';
import { WaveSummary } from './wave/WaveSummary';

/** /admin/waves/:code — the wave's settings and lifecycle, its invitations and response rate. */
export default function WavePage() {
  const { code = '' } = useParams();
  const { t, i18n } = useTranslation();
  const lng = currentLocale(i18n.language);
  const [version, setVersion] = useState(0);
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState(false);
  const [boardVersion, setBoardVersion] = useState(0);
  const bumpBoard = useCallback(() => setBoardVersion((v) => v + 1), []);
  const wave = useRequest((signal) => getWaveAdmin(code, signal), `${code}#${version}`);

  if (wave.status === 'loading') return <Loading label={t('admin.wave.loading')} />;
  if (wave.status === 'error') {
    return (
      <section className="page admin-page">
        <AdminNav />
        <ErrorNotice error={wave.error} onRetry={isRetryable(wave.error) ? wave.reload : undefined} />
      </section>
    );
  }
  const w = wave.data;
  const title = pick(w.title, lng) || w.code;
  const reload = () => setVersion((v) => v + 1);

  return (
    <section className="page admin-page">
      <AdminNav />
      <div className="page-head">
        <PageHeading title={title}>{title}</PageHeading>
        <span className={`status status--${w.status}`} data-testid="wave-status">
          {t(`waves.status.${w.status}`)}
        </span>
        {!editing && w.status !== 'archived' && (
          <button
            type="button"
            className="button button--secondary"
            onClick={() => {
              setSaved(false);
              setEditing(true);
            }}
          >
            {t('admin.wave.edit')}
          </button>
        )}
      </div>
      {saved && !editing && (
        <p className="notice notice--success" role="status" data-testid="wave-saved">
          {t('admin.wave.editSaved')}
        </p>
      )}
      {w.status === 'archived' && <p className="muted">{t('admin.wave.locked.archived')}</p>}
      {editing && (
        <WaveEditForm
          wave={w}
          onCancel={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            setSaved(true);
            reload();
          }}
        />
      )}
      <div className="admin-columns">
        <WaveSummary wave={w} />
        <Lifecycle
          wave={w}
          onChanged={() => {
            setEditing(false);
            setSaved(false);
            reload();
          }}
        />
      </div>
      {w.access === 'invitation' && (
        <section className="admin-section" aria-labelledby="invitations-h">
          <h2 id="invitations-h">{t('admin.invitations.title')}</h2>
          <div className="admin-columns">
            <ImportForm code={w.code} onImported={bumpBoard} />
            <LinksForm code={w.code} />
          </div>
        </section>
      )}
      {w.access === 'invitation' && (
        <MailPanel code={w.code} open={w.status === 'open'} onSent={bumpBoard} version={boardVersion} />
      )}
      <ResponseBoard code={w.code} version={boardVersion} onCampaign={bumpBoard} />
      <MinCellForm code={w.code} />
      <TallyJobs code={w.code} />
      <PublishPanel code={w.code} />
      <div className="admin-columns">
        <CloneForm wave={w} />
        <WaveHistory history={w.history} />
      </div>
    </section>
  );
}
