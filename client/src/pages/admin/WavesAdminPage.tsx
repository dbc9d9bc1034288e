import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { listWaves } from '../../api/api';
import { PageHeading } from '../../components/PageHeading';
import { currentLocale } from '../../i18n';
import { formatDate, pick } from '../../lib/format';
import { useRequest } from '../../lib/useRequest';
import { AdminList } from './AdminBits';
import { AdminNav } from './AdminNav';

/** /admin/waves — every wave with its status; create a new one. */
export default function WavesAdminPage() {
  const { t, i18n } = useTranslation();
  const lng = currentLocale(i18n.language);
  const waves = useRequest((signal) => listWaves(signal), 'admin-waves');
  return (
    <section className="page admin-page">
      <AdminNav />
      <div className="page-head">
        <PageHeading title={t('admin.waves.title')}>{t('admin.waves.title')}</PageHeading>
        <Link className="button" to="/admin/waves/new">
          {t('admin.waves.create')}
        </Link>
      </div>
      <p className="lead">{t('admin.waves.intro')}</p>
      <AdminList
        request={waves}
        empty={t('admin.waves.empty')}
        caption={t('admin.waves.tableCaption')}
        columns={[
          t('admin.waves.code'),
          t('admin.waves.name'),
          t('admin.waves.status'),
          t('admin.waves.questionnaire'),
          t('admin.waves.period'),
          { label: t('admin.waves.responses'), num: true },
        ]}
        row={(w) => (
          <tr key={w.code}>
            <td>
              <code>{w.code}</code>
            </td>
            <td>
              <Link to={`/admin/waves/${encodeURIComponent(w.code)}`}>{pick(w.title, lng)}</Link>
            </td>
            <td>
              <span className={`status status--${w.status}`}>{t(`waves.status.${w.status}`)}</span>
            </td>
            <td>
              {t('waves.questionnaire', {
                title: pick(w.questionnaire.title, lng) || w.questionnaire.key,
                version: w.questionnaire.version,
              })}
            </td>
            <td>
              {w.opensAt || w.closesAt
                ? `${formatDate(w.opensAt, lng) || '…'} — ${formatDate(w.closesAt, lng) || '…'}`
                : t('waves.periodOpenEnded')}
            </td>
            <td className="num">{w.responses}</td>
          </tr>
        )}
      />
    </section>
  );
}
