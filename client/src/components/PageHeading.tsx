import { useEffect, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

let firstPage = true;

/**
 * The page's <h1>. Sets the document title, and after client-side navigation moves focus
 * here so keyboard and screen-reader users start at the new content.
 */
export function PageHeading({ children, title }: { children: ReactNode; title: string }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    document.title = title ? `${title} — ${t('app.productName')}` : t('app.productName');
  }, [title, t]);

  useEffect(() => {
    if (firstPage) firstPage = false;
    else ref.current?.focus();
  }, []);

  return (
    <h1 ref={ref} tabIndex={-1} className="page-title">
      {children}
    </h1>
  );
}
