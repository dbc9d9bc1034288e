import { useTranslation } from 'react-i18next';
import { NavLink } from 'react-router';

const SECTIONS = [
  ['/admin/waves', 'admin.navWaves'],
  ['/admin/questionnaires', 'admin.navLibrary'],
] as const;

/** The coordinator's sections. */
export function AdminNav() {
  const { t } = useTranslation();
  return (
    <nav className="admin-nav" aria-label={t('admin.sections')}>
      {SECTIONS.map(([to, label]) => (
        <NavLink key={to} to={to} className="admin-nav__link">
          {t(label)}
        </NavLink>
      ))}
    </nav>
  );
}
