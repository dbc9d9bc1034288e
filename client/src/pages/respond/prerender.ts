// The server writes a static, inert preview of a public wave's first page into the HTML of
// /w/:code (server/src/waves/first-page.ts) and the app's root stays hidden while it is there
// (styles.css). It goes as soon as the respondent page has something real to show: the form,
// or a notice. Lives in the entry bundle (main.tsx also drops it after a while, whatever happens).

export function dropPrerender(): void {
  document.getElementById('prerender')?.remove();
}
