import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { useSession } from '../lib/session';

/** Header: who is signed in, and a way out; or a link to sign in. */
export function UserMenu() {
  const { t } = useTranslation();
  const { state, signOut } = useSession();
  const navigate = useNavigate();
  if (state.status !== 'signed-in') {
    return state.status === 'anonymous' ? (
      <Link className="user-menu__link" to="/login">
        {t('auth.signIn')}
      </Link>
    ) : null;
  }
  return (
    <div className="user-menu" data-testid="user-menu">
      <span className="user-menu__email">{state.session.user.email}</span>
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
  );
}
