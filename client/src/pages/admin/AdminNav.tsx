import { useTranslation } from 'react-i18next';
import { NavLink } from 'react-router';

/** The coordinator's sections. */
export function AdminNav() {
  const { t } = useTranslation();
  return (
    <nav className="admin-nav" aria-label={t('admin.sections')}>
      <NavLink to="/admin/waves" className="admin-nav__link">
        {t('admin.navWaves')}
      </NavLink>
      <NavLink to="/admin/questionnaires" className="admin-nav__link">
        {t('admin.navLibrary')}
      </NavLink>
    </nav>
  );
}
