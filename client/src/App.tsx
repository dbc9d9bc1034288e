import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Route, Routes, useParams } from 'react-router';
import { LanguageSwitcher } from './components/LanguageSwitcher';
import { UserMenu } from './components/UserMenu';
import { RequireRole, SessionProvider } from './lib/session';
import { Loading } from './components/Loading';
import { NotFoundPage } from './pages/NotFoundPage';
import { prefetchWave } from './pages/respond/wavePrefetch';
import { WavesPage } from './pages/waves/WavesPage';

// Heavy pages load on demand: survey-core only for respondents, chart.js only for researchers.
const RespondPage = lazy(() => import('./pages/respond/RespondPage'));
const ResultsPage = lazy(() => import('./pages/results/ResultsPage'));
const LoginPage = lazy(() => import('./pages/login/LoginPage'));

export function App() {
  return (
    <SessionProvider>
      <AppShell />
    </SessionProvider>
  );
}

function AppShell() {
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
            <UserMenu />
            <LanguageSwitcher />
          </div>
        </div>
      </header>
      <main id="main" className="site-main" tabIndex={-1}>
        <Suspense fallback={<Loading label={t('app.loading')} />}>
          <Routes>
            <Route path="/" element={<WavesPage />} />
            <Route path="/w/:code" element={<RespondRoute />} />
            <Route
              path="/w/:code/results"
              element={
                <RequireRole role="researcher">
                  <ResultsPage />
                </RequireRole>
              }
            />
            <Route path="/login" element={<LoginPage />} />
            <Route path="*" element={<NotFoundPage />} />
          </Routes>
        </Suspense>
      </main>
      <footer className="site-footer">
        <p>{t('app.footer')}</p>
      </footer>
    </div>
  );
}

function RespondRoute() {
  const { code = '' } = useParams();
  prefetchWave(code);
  return <RespondPage />;
}
