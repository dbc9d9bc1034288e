// The respondent's pages with SurveyJS and its CSS: a chunk of their own, so the entry's small
// stylesheet (the server's first-page preview needs it) is the only one that blocks the first
// paint. respond.html preloads this chunk and its CSS (client/vite.config.ts).
export { default as RespondPage } from '../pages/respond/RespondPage';
export { default as InvitePage } from '../pages/invite/InvitePage';
