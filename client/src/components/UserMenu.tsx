import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate } from 'react-router';
import { useSession } from '../lib/session';

/**
 * Header: who is signed in, and a way out; or a link to sign in. On a phone the signed-in links
 * fold behind a "Menu" button (CSS shows them inline on wider screens).
 */
export function UserMenu() {
  const { t } = useTranslation();
  const { state, signOut } = useSession();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  // Open on the page where it was opened; navigating closes it.
  const [openAt, setOpenAt] = useState<string | null>(null);
  const open = openAt === pathname;
  const id = useId();
  if (state.status !== 'signed-in') {
    return state.status === 'anonymous' ? (
      <Link className="user-menu__link" to="/login">
        {t('auth.signIn')}
      </Link>
    ) : null;
  }
  return (
    <nav className={`user-menu${open ? ' user-menu--open' : ''}`} data-testid="user-menu" aria-label={t('app.menu')}>
      <button
        type="button"
        className="user-menu__toggle"
        aria-expanded={open}
        aria-controls={id}
        onClick={() => setOpenAt(open ? null : pathname)}
      >
        {t('app.menu')}
      </button>
      <div className="user-menu__items" id={id}>
        {state.session.user.roles.some((r) => r === 'coordinator' || r === 'admin') && (
          <Link className="user-menu__link" to="/admin/waves" data-testid="admin-link">
            {t('admin.nav')}
          </Link>
        )}
        {state.session.user.roles.some((r) => r === 'editor' || r === 'coordinator' || r === 'admin') && (
          <Link className="user-menu__link" to="/admin/practices" data-testid="practices-admin-link">
            {t('practices.admin.title')}
          </Link>
        )}
        {state.session.user.roles.includes('admin') && (
          <>
            <Link className="user-menu__link" to="/settings/users" data-testid="users-link">
              {t('settings.navUsers')}
            </Link>
            <Link className="user-menu__link" to="/settings/audit" data-testid="audit-link">
              {t('settings.navAudit')}
            </Link>
          </>
        )}
        <Link className="user-menu__email" to="/account" title={t('settings.navAccount')} data-testid="account-link">
          {state.session.user.email}
        </Link>
        <button
          type="button"
          className="user-menu__link"
          onClick={() => {
            void signOut().then(() => navigate('/'));
          }}
        >
          {t('auth.signOut')}
        </button>
      </div>
    </nav>
  );
}
