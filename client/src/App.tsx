import { lazy, Suspense, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, Route, Routes, useParams } from 'react-router';
import { SiteFrame } from './components/SiteFrame';
import { UserMenu } from './components/UserMenu';
import { RequireRole, SessionProvider } from './lib/session';
import { Loading } from './components/Loading';
import { NotFoundPage } from './pages/NotFoundPage';
import { prefetchWave } from './pages/respond/wavePrefetch';
import { WavesPage } from './pages/waves/WavesPage';

// Heavy pages load on demand: survey-core only for respondents, chart.js only for researchers.
const RespondPage = lazy(() => import('./pages/respond/RespondPage'));
// The researcher's analysis pages (chart.js loads with them).
const DashboardPage = lazy(() => import('./pages/analysis/DashboardPage'));
const RegionPage = lazy(() => import('./pages/analysis/RegionPage'));
const CrosstabPage = lazy(() => import('./pages/analysis/CrosstabPage'));
const ComparePage = lazy(() => import('./pages/analysis/ComparePage'));
const TextsPage = lazy(() => import('./pages/analysis/TextsPage'));
const QuestionsPage = lazy(() => import('./pages/analysis/QuestionsPage'));
// The standing monitor: trends across waves, published results (public) and the annual report.
const TrendsPage = lazy(() => import('./pages/monitor/TrendsPage'));
const PublicResultsPage = lazy(() => import('./pages/monitor/PublicResultsPage'));
const ReportPage = lazy(() => import('./pages/monitor/ReportPage'));
const LoginPage = lazy(() => import('./pages/login/LoginPage'));
// Coordinator pages and the official's invitation link.
const InvitePage = lazy(() => import('./pages/invite/InvitePage'));
const LibraryPage = lazy(() => import('./pages/admin/LibraryPage'));
const EditorPage = lazy(() => import('./pages/admin/editor/EditorPage'));
const WavesAdminPage = lazy(() => import('./pages/admin/WavesAdminPage'));
const WaveCreatePage = lazy(() => import('./pages/admin/WaveCreatePage'));
const WavePage = lazy(() => import('./pages/admin/WavePage'));
const DevMailPage = lazy(() => import('./pages/devmail/DevMailPage'));
// Administration and the signed-in user's own account.
const UsersPage = lazy(() => import('./pages/settings/UsersPage'));
const AuditPage = lazy(() => import('./pages/settings/AuditPage'));
const AccountPage = lazy(() => import('./pages/settings/AccountPage'));
// The knowledge base of practices: public browse and pages, coverage, editors' pages.
const PracticesPage = lazy(() => import('./pages/practices/PracticesPage'));
const PracticePage = lazy(() => import('./pages/practices/PracticePage'));
const CoveragePage = lazy(() => import('./pages/practices/CoveragePage'));
const PracticesAdminPage = lazy(() => import('./pages/practices/PracticesAdminPage'));
const PracticeEditPage = lazy(() => import('./pages/practices/PracticeEditPage'));

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
    <SiteFrame tools={<UserMenu />}>
      <Suspense fallback={<Loading label={t('app.loading')} />}>
        <Routes>
          <Route path="/" element={<WavesPage />} />
          <Route path="/w/:code" element={<RespondRoute />} />
          <Route
            path="/w/:code/results"
            element={
              <RequireRole role="researcher">
                <DashboardPage />
              </RequireRole>
            }
          />
          <Route path="/w/:code/regions/:region" element={<Researcher page={<RegionPage />} />} />
          <Route path="/w/:code/crosstab" element={<Researcher page={<CrosstabPage />} />} />
          <Route path="/w/:code/compare" element={<Researcher page={<ComparePage />} />} />
          <Route path="/w/:code/texts" element={<Researcher page={<TextsPage />} />} />
          <Route path="/w/:code/questions" element={<Researcher page={<QuestionsPage />} />} />
          <Route path="/trends" element={<Researcher page={<TrendsPage />} />} />
          <Route path="/w/:code/report" element={<Researcher page={<ReportPage />} />} />
          <Route path="/p/:code" element={<PublicResultsPage />} />
          <Route path="/practices" element={<PracticesPage />} />
          <Route path="/practices/coverage" element={<RequireRole role="user">{<CoveragePage />}</RequireRole>} />
          <Route path="/practices/:id" element={<PracticePage />} />
          <Route path="/admin/practices" element={<RequireRole role="editor">{<PracticesAdminPage />}</RequireRole>} />
          <Route
            path="/admin/practices/new"
            element={<RequireRole role="editor">{<PracticeEditPage />}</RequireRole>}
          />
          <Route
            path="/admin/practices/:id"
            element={<RequireRole role="editor">{<PracticeEditPage />}</RequireRole>}
          />
          <Route path="/login" element={<LoginPage />} />
          <Route path="/i/:token" element={<InvitePage />} />
          <Route path="/admin" element={<Navigate to="/admin/waves" replace />} />
          <Route path="/admin/questionnaires" element={<Coordinator page={<LibraryPage />} />} />
          <Route path="/admin/questionnaires/:key/:version/edit" element={<Coordinator page={<EditorPage />} />} />
          <Route path="/admin/waves" element={<Coordinator page={<WavesAdminPage />} />} />
          <Route path="/admin/waves/new" element={<Coordinator page={<WaveCreatePage />} />} />
          <Route path="/admin/waves/:code" element={<Coordinator page={<WavePage />} />} />
          <Route path="/dev/mail" element={<Coordinator page={<DevMailPage />} />} />
          <Route
            path="/settings/users"
            element={
              <RequireRole role="admin">
                <UsersPage />
              </RequireRole>
            }
          />
          <Route
            path="/settings/audit"
            element={
              <RequireRole role="admin">
                <AuditPage />
              </RequireRole>
            }
          />
          <Route
            path="/account"
            element={
              <RequireRole role="user">
                <AccountPage />
              </RequireRole>
            }
          />
          <Route path="*" element={<NotFoundPage />} />
        </Routes>
      </Suspense>
    </SiteFrame>
  );
}

function Coordinator({ page }: { page: ReactNode }) {
  return <RequireRole role="coordinator">{page}</RequireRole>;
}

function Researcher({ page }: { page: ReactNode }) {
  return <RequireRole role="researcher">{page}</RequireRole>;
}

function RespondRoute() {
  const { code = '' } = useParams();
  prefetchWave(code);
  return <RespondPage />;
}
