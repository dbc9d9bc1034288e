// The respondent's entry (respond.html): the questionnaire at /w/:code and the invitation form at
// /i/:token, without the staff app. Built apart from it (client/vite.config.ts `--mode respondent`)
// with preact/compat for React, a translator holding only the respondent's strings
// (./i18n.ts) and no router (./react-router.tsx): what a respondent on a slow line downloads.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '../styles.css';
import { SiteFrame } from '../components/SiteFrame';
import { dropPrerender } from '../pages/respond/prerender';
import { prefetchWave } from '../pages/respond/wavePrefetch';
import i18n, { loadSavedLocale } from '../i18n';

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from respond.html');
const container = root;

const wave = /^\/w\/([^/]+)\/?$/.exec(window.location.pathname);
if (wave) {
  try {
    prefetchWave(decodeURIComponent(wave[1]));
  } catch {
    // a malformed address: the page reports it
  }
}
// The first-page preview (respond/prerender.ts) never outstays a page that failed to load.
setTimeout(dropPrerender, 20_000);

type Pages = typeof import('./pages');

function RespondentApp({ pages: { RespondPage, InvitePage } }: { pages: Pages }) {
  return <SiteFrame>{wave ? <RespondPage /> : <InvitePage />}</SiteFrame>;
}

void Promise.all([import('./pages'), loadSavedLocale()]).then(([pages]) => {
  if (i18n.language !== i18n.resolvedLanguage) void i18n.changeLanguage(i18n.language);
  createRoot(container).render(
    <StrictMode>
      <RespondentApp pages={pages} />
    </StrictMode>,
  );
});
