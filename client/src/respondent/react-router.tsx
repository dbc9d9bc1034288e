// Stands in for react-router in the respondent entry (client/vite.config.ts `--mode respondent`):
// the entry serves two addresses, /w/:code and /i/:token, and every link out of them is a plain
// page load (the staff app is another entry).
import type { AnchorHTMLAttributes } from 'react';

/** The address's parameter, named as in the staff app's routes (App.tsx). */
export function useParams(): { code?: string; token?: string } {
  const m = /^\/([wi])\/([^/]+)\/?$/.exec(window.location.pathname);
  if (!m) return {};
  let value = m[2];
  try {
    value = decodeURIComponent(value);
  } catch {
    // left as written: the server answers it as not found
  }
  return m[1] === 'w' ? { code: value } : { token: value };
}

export function Link({ to, ...rest }: { to: string } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  return <a href={to} {...rest} />;
}
