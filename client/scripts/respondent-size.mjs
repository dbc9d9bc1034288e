// Sums the gzip size of the JavaScript that /w/:code loads: the entry chunk, its static imports,
// and the lazily imported respondent page with its static imports. Run after `npm run build:client`:
//   node client/scripts/respondent-size.mjs [--budget 300]   (exit code 1 when over budget)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const dist = fileURLToPath(new URL('../../dist/client/', import.meta.url));
const manifest = JSON.parse(fs.readFileSync(path.join(dist, '.vite', 'manifest.json'), 'utf8'));
const budgetArg = process.argv.indexOf('--budget');
const budgetKb = budgetArg > 0 ? Number(process.argv[budgetArg + 1]) : 300;

const files = new Set();
function addWithStaticImports(key) {
  const chunk = manifest[key];
  if (!chunk) throw new Error(`not in the manifest: ${key}`);
  if (files.has(chunk.file)) return;
  files.add(chunk.file);
  for (const dep of chunk.imports ?? []) addWithStaticImports(dep);
}
addWithStaticImports('index.html');
addWithStaticImports('src/pages/respond/RespondPage.tsx');

let total = 0;
for (const file of files) {
  const bytes = fs.readFileSync(path.join(dist, file));
  const gz = zlib.gzipSync(bytes, { level: 9 }).length;
  total += gz;
  console.log(
    `${file.padEnd(40)} ${(bytes.length / 1024).toFixed(1).padStart(8)} KiB  gzip ${(gz / 1024).toFixed(1).padStart(7)} KiB`,
  );
}
const totalKb = total / 1024;
console.log(
  `respondent route JS, gzip -9: ${totalKb.toFixed(1)} KiB = ${(total / 1000).toFixed(1)} kB (budget ${budgetKb} KiB)`,
);
process.exitCode = totalKb <= budgetKb ? 0 : 1;
