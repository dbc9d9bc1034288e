// Hostile names and labels in the SPSS syntax and the R script: names that are keywords or
// command words, clash by case or are not names at all; labels with quotes, periods at line end,
// line breaks, backslashes, comment starters and very long Cyrillic text. PSPP and R run both
// files on a CSV written here; every variable and label arrives intact (programs skipped only
// when not installed).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { csvCell, isoSeconds } from '../../server/src/exports/csv';
import { rScript, spssNames, spssSyntax } from '../../server/src/exports/labelled';
import type { Column } from '../../server/src/exports/columns';

type Described = Omit<Column, 'value'>;
const L = (s: string) => ({ ru: s, en: s, uk: s });
const LONG = 'Очень длинная формулировка вопроса; '.repeat(40);
const NASTY = 'It\'s "quoted"; ends with a period.\nSecond line * COMMENT. \\ back\\slash.';
const COLUMNS: Described[] = [
  { name: 'response_id', question: '', questionType: 'meta', type: 'string', title: L('Id') },
  { name: 'comment', question: 'comment', questionType: 'comment', type: 'string', title: L(NASTY) },
  { name: 'Comment', question: 'Comment', questionType: 'text', type: 'string', title: L('case clash') },
  { name: 'string', question: 'string', questionType: 'text', type: 'string', title: L(LONG) },
  { name: 'with', question: 'with', questionType: 'text', type: 'string', title: L('keyword') },
  { name: 'doc', question: 'doc', questionType: 'text', type: 'string', title: L('abbreviated DOCUMENT') },
  { name: '1st-choice', question: '1st-choice', questionType: 'text', type: 'string', title: L('not a name') },
  {
    name: 'choice',
    question: 'choice',
    questionType: 'checkbox',
    type: 'integer',
    title: L('checkbox'),
    labels: [
      { value: 0, labels: L("не выбрано'.") },
      { value: 1, labels: L('выбрано "да".\n*') },
    ],
  },
  {
    name: 'kind',
    question: 'kind',
    questionType: 'dropdown',
    type: 'string',
    title: L('codes'),
    labels: [
      { value: "it's", labels: L(LONG) },
      { value: 'b.', labels: L('B.') },
    ],
  },
  { name: 'at', question: '', questionType: 'meta', type: 'datetime', title: L('time') },
];
const ROWS = [
  ['r1', 'a "q"; b', 'x', 'y', 'z', 'd', 'n', '1', "it's", '2026-03-01T09:30:00Z'],
  ['r2', '', '', '', '', '', '', '0', 'b.', ''],
];

describe('names and labels that could end a command', () => {
  it('renames keywords, command words (and their abbreviations), case clashes and non-names; the rest stays', () => {
    expect(spssNames(COLUMNS)).toEqual(
      new Map([
        ['comment', 'q_comment'],
        ['Comment', 'q_Comment_2'],
        ['string', 'q_string'],
        ['with', 'q_with'],
        ['doc', 'q_doc'],
        ['1st-choice', 'v_1st_choice'],
      ]),
    );
  });

  it('a CSV cell keeps one line; timestamps to the second', () => {
    expect(csvCell('a\r\nb\nc\rd')).toBe('a b c d');
    expect(csvCell('=1')).toBe("'=1");
    expect(isoSeconds(new Date('2026-03-01T09:30:00.123Z'))).toBe('2026-03-01T09:30:00Z');
  });

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lsg-syntax-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(
    path.join(dir, 'data.csv'),
    '\uFEFF' +
      [COLUMNS.map((c) => c.name), ...ROWS]
        .map((r) => r.map((v) => (/[;"]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(';'))
        .join('\r\n') +
      '\r\n',
  );
  fs.writeFileSync(path.join(dir, 'data.sps'), spssSyntax(COLUMNS, 'data.csv', ';', 'ru', `Header 'x'.\n* y.`));
  fs.writeFileSync(path.join(dir, 'data.R'), rScript(COLUMNS, 'data.csv', ';', 'ru', 'Header "x"\n# y'));
  const has = (bin: string) => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;
  const run = (bin: string, args: string[]) => {
    const r = spawnSync(bin, args, { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
  };

  (has('pspp') ? it : it.skip)('PSPP reads every variable, label and value without a word of complaint', () => {
    fs.writeFileSync(
      path.join(dir, 'check.sps'),
      "SAVE TRANSLATE /OUTFILE='out.csv' /TYPE=CSV /FIELDNAMES /CELLS=LABELS /REPLACE.\nDISPLAY DICTIONARY.\n",
    );
    const r = run('pspp', ['-o', 'dict.csv', 'data.sps', 'check.sps']);
    expect(r.output).toBe('');
    expect(r.status).toBe(0);
    const dict = fs.readFileSync(path.join(dir, 'dict.csv'), 'utf8');
    const names = COLUMNS.map((c) => spssNames(COLUMNS).get(c.name) ?? c.name);
    for (const n of names) expect(dict).toMatch(new RegExp(`^${n},`, 'm'));
    expect(dict).toContain('"It\'s ""quoted""; ends with a period. Second line * COMMENT. \\ back\\slash."');
    const out = fs.readFileSync(path.join(dir, 'out.csv'), 'utf8').split('\n');
    expect(out[0]).toBe(names.join(','));
    expect(out[1]).toContain('выбрано ""да"". *');
    expect(out[1]).toContain('"a ""q""; b"');
  });

  (has('Rscript') ? it : it.skip)(
    'R reads every variable, label and value; no line of the script reaches 1,000 bytes',
    () => {
      const script = fs.readFileSync(path.join(dir, 'data.R'), 'utf8');
      for (const line of script.split('\n')) expect(Buffer.byteLength(line)).toBeLessThan(1000);
      fs.writeFileSync(
        path.join(dir, 'check.R'),
        [
          'source("data.R")',
          'out <- file("out.txt", open = "wb")',
          'put <- function(...) writeLines(enc2utf8(paste(c(...), collapse = "|")), out, useBytes = TRUE)',
          'put(names(responses))',
          'put(attr(responses[["comment"]], "label"))',
          'put(attr(responses[["string"]], "label"))',
          'put(names(attr(responses[["choice"]], "labels")))',
          'put(as.character(responses[["kind"]]))',
          'put(responses[["comment"]][1], class(responses[["choice"]]), format(responses[["at"]][1], tz = "UTC"))',
          'close(out)',
          '',
        ].join('\n'),
      );
      const r = run('Rscript', ['check.R']);
      expect(r.output).toBe('');
      expect(r.status).toBe(0);
      expect(fs.readFileSync(path.join(dir, 'out.txt'), 'utf8')).toBe(
        [
          COLUMNS.map((c) => c.name).join('|'),
          NASTY,
          LONG,
          'не выбрано\'.|выбрано "да".\n*',
          `${LONG}|B.`,
          'a "q"; b|integer|2026-03-01 09:30:00',
          '',
        ].join('\n'),
      );
    },
  );
});
