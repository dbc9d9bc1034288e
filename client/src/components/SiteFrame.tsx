import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { LanguageSwitcher } from './LanguageSwitcher';

/**
 * The page around every route, in the staff app and in the respondent's entry (where `Link` is a
 * plain link): skip link, header with the brand, the practices link, `tools` and the language
 * switcher, the main region and the footer.
 */
export function SiteFrame({ tools, children }: { tools?: ReactNode; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <header className="site-header">
        <div className="site-header__inner">
          <Link to="/" className="brand">
            <span className="brand__mark" aria-hidden="true" />
            <span className="brand__name">{t('app.productName')}</span>
          </Link>
          <div className="site-header__tools">
            <Link className="user-menu__link" to="/practices" data-testid="practices-link" style={{ color: 'inherit' }}>
              {t('practices.nav')}
            </Link>
            {tools}
            <LanguageSwitcher />
          </div>
        </div>
      </header>
      <main id="main" className="site-main" tabIndex={-1}>
        {children}
      </main>
      <footer className="site-footer">
        <p>{t('app.footer')}</p>
      </footer>
    </div>
  );
}
