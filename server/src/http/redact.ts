// Invitation tokens travel in URLs (/i/<token> in the browser, /api/invitations/<token>/... in
// the API, and opt-out tokens as /o/<token>); the request log shows those paths with the token replaced, never the token itself.
// Express matches routes case-insensitively and the client shell answers any path, so the match
// is case-insensitive, tolerates repeated slashes and also looks at the percent-decoded path.
const TOKEN_PATH = /^(\/+(?:api\/+invitations|i|o)\/+)[^/?#]+/i;

export function redactUrl(url: string): string {
  const cut = url.search(/[?#]/);
  const path = cut < 0 ? url : url.slice(0, cut);
  const rest = cut < 0 ? '' : url.slice(cut);
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // malformed escapes: match the raw path only
  }
  if (TOKEN_PATH.test(decoded)) return decoded.replace(TOKEN_PATH, '$1:token') + rest;
  if (TOKEN_PATH.test(path)) return path.replace(TOKEN_PATH, '$1:token') + rest;
  return url;
}

/** True for the URLs that carry an invitation token (served with Referrer-Policy: no-referrer). */
export function carriesToken(url: string): boolean {
  return redactUrl(url) !== url;
}
