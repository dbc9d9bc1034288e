// Invitation tokens travel in URLs (/i/<token> in the browser, /api/invitations/<token> in the
// API); the request log shows those paths with the token replaced, never the token itself.
const TOKEN_PATHS = /^(\/api\/invitations\/|\/i\/)[^/?#]+/;

export function redactUrl(url: string): string {
  return url.replace(TOKEN_PATHS, '$1:token');
}
