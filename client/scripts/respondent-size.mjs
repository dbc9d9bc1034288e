// Sums the gzip size of the JavaScript that /w/:code loads: the entry chunk, its static imports,
// and the lazily imported respondent page with its static imports. Run after `npm run build:client`:
//   node client/scripts/respondent-size.mjs [--budget 300]   (exit code 1 when over budget)
// `respondentJs(dist)` is also used by the page benchmark (scripts/bench/page.ts).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

/** The JS files the respondent route loads, with raw and gzip -9 sizes in bytes. */
export function respondentJs(dist) {
  const manifest = JSON.parse(fs.readFileSync(path.join(dist, '.vite', 'manifest.json'), 'utf8'));
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
  return [...files].map((file) => {
    const bytes = fs.readFileSync(path.join(dist, file));
    return { file, raw: bytes.length, gzip: zlib.gzipSync(bytes, { level: 9 }).length };
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dist = fileURLToPath(new URL('../../dist/client/', import.meta.url));
  const budgetArg = process.argv.indexOf('--budget');
  const budgetKb = budgetArg > 0 ? Number(process.argv[budgetArg + 1]) : 300;
  let total = 0;
  for (const { file, raw, gzip } of respondentJs(dist)) {
    total += gzip;
    console.log(
      `${file.padEnd(40)} ${(raw / 1024).toFixed(1).padStart(8)} KiB  gzip ${(gzip / 1024).toFixed(1).padStart(7)} KiB`,
    );
  }
  const totalKb = total / 1024;
  console.log(
    `respondent route JS, gzip -9: ${totalKb.toFixed(1)} KiB = ${(total / 1000).toFixed(1)} kB (budget ${budgetKb} KiB)`,
  );
  process.exitCode = totalKb <= budgetKb ? 0 : 1;
}
