// The respondent's strings, picked from the app's locales at build time (client/vite.config.ts).
declare module 'virtual:lsg-respondent-messages/*' {
  const messages: Record<string, unknown>;
  export default messages;
}
