// `npx tsx scripts/respondent-size.ts [--budget 300]` after `npm run build:client`: lists the JS
// chunks each respondent route loads with their gzip and brotli sizes; exit code 1 when a route
// is over the budget as sent to a browser (brotli).
import path from 'node:path';
import { kib, RESPONDENT_JS_TARGET_KIB, RESPONDENT_ROUTES, routeJs, type RespondentRoute } from './lib/respondent-js';

const dist = path.join(__dirname, '..', 'dist', 'client');
const at = process.argv.indexOf('--budget');
const budget = at > 0 ? Number(process.argv[at + 1]) : RESPONDENT_JS_TARGET_KIB;
let over = false;
for (const route of Object.keys(RESPONDENT_ROUTES) as RespondentRoute[]) {
  const files = routeJs(dist, route).sort((a, b) => b.gzip - a.gzip);
  console.log(route);
  for (const f of files)
    console.log(
      `  ${f.file.padEnd(44)} ${(f.raw / 1024).toFixed(1).padStart(8)} KiB  gzip ${(f.gzip / 1024).toFixed(1).padStart(7)} KiB  br ${(f.br / 1024).toFixed(1).padStart(7)} KiB`,
    );
  const total = kib(files);
  const br = kib(files, 'br');
  over ||= br > budget;
  console.log(
    `  total: ${br.toFixed(1)} KiB brotli (budget ${budget} KiB), ${total.toFixed(1)} KiB gzip, ${kib(files, 'raw').toFixed(1)} KiB raw`,
  );
}
process.exitCode = over ? 1 : 0;
