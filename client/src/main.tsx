import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import i18n, { loadSavedLocale } from './i18n';
import './styles.css';
import { App } from './App';
import { dropPrerender } from './pages/respond/prerender';

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');

// Renders once the saved language is there (immediately for Russian, the default).
const container = root;
// The first-page preview (respond/prerender.ts) never outstays a page that failed to load.
setTimeout(dropPrerender, 20_000);
void loadSavedLocale().then(() => {
  if (i18n.language !== i18n.resolvedLanguage) void i18n.changeLanguage(i18n.language);
  createRoot(container).render(
    <StrictMode>
      <BrowserRouter>
        <App />
      </BrowserRouter>
    </StrictMode>,
  );
});
