// The researchers' own programs open the exports: a wave with every question type (and questions
// named `comment` and `string`, free texts with quotes, semicolons, line breaks and Cyrillic) is
// exported; GNU PSPP runs the .sps on the CSV beside it and R runs the .R, both without an error
// or warning; what they read (cases, variables, labels, values cell by cell) equals the database.
// Debian packages: pspp, r-base-core. A test is skipped only when its program is not installed.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { parse } from 'csv-parse/sync';
import { createApp } from '../../server/src/app';
import { useTestDatabase, storeKind } from '../helpers/db';
import { download } from '../helpers/app';
import { createOpenWave, fixture, type StoredResponse, storedResponses } from '../helpers/fixtures';
import { agentAs, type TestAgent } from '../helpers/auth';
import { registerVersion } from '../../server/src/questionnaires/questionnaires.service';
import { allColumns } from '../../server/src/exports/columns';
import { spssNames } from '../../server/src/exports/labelled';

useTestDatabase();
const app = createApp({ store: { kind: storeKind() } });

function installed(bin: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;
}
const HAVE_PSPP = installed('pspp');
const HAVE_R = installed('Rscript');
const itPspp = HAVE_PSPP ? it : it.skip;
const itR = HAVE_R ? it : it.skip;
if (!HAVE_PSPP) console.warn('SKIPPED: the PSPP checks need `pspp` (Debian package pspp), not installed here.');
if (!HAVE_R) console.warn('SKIPPED: the R checks need `Rscript` (Debian package r-base-core), not installed here.');

/** The every-question-type fixture, plus a ranking, a text question named `string` and a matrixdynamic. */
function definition(): Record<string, unknown> {
  const def = fixture('all-question-types.json') as { pages: { elements: Record<string, unknown>[] }[] };
  def.pages[1].elements.push(
    { type: 'ranking', name: 'priorities', choices: ['roads', 'schools', 'water'] },
    {
      type: 'text',
      name: 'string',
      title: { ru: "Строка 'в кавычках'; с точкой в конце.", en: 'A "string"; ends with a period.' },
    },
    {
      type: 'matrixdynamic',
      name: 'staff',
      title: { ru: 'Сотрудники', en: 'Staff' },
      columns: [
        { name: 'role', cellType: 'text' },
        { name: 'fte', cellType: 'text', inputType: 'number' },
        { name: 'level', cellType: 'dropdown', choices: [1, 2, 3] },
      ],
    },
  );
  return def;
}

const TEXT_1 = 'Он сказал: "нет"; а она — \'да\'.\nВторая строка; конец.';
const TEXT_2 = 'a;b;"c"\r\nd — ещё; EXECUTE.';
const ROWS: Record<string, unknown>[] = [
  {
    country: 'RU',
    region: 'RU-VLG',
    municipality: 'Сокол "Северный"; район',
    population: 38000,
    email: 'head@example.org',
    may_contact: true,
    obstacles: ['funding', 'legal', 'other'],
    'obstacles-Comment': 'дороги; мосты',
    severity: { funding: 5, legal: 3 },
    satisfaction: 3,
    partners: ['region', 'ngo'],
    priorities: ['water', 'roads', 'schools'],
    comment: TEXT_1,
    string: TEXT_2,
    budget: { '2024': { share: 40, source: 'own' }, '2025': { source: 'region' } },
    staff: [
      { role: 'глава; "мэр"', fte: 1, level: 3 },
      { role: 'бухгалтер', fte: 0.5 },
    ],
    projects: [
      { project_name: 'Дорога' },
      { project_name: 'Школа', project_note: 'ремонт; крыша' },
      { project_name: 'Мост' },
    ],
  },
  {
    country: 'UA',
    region: 'UA-05',
    municipality: 'Вінниця',
    obstacles: ['staff'],
    severity: { staff: 2 },
    satisfaction: 8,
    string: 'проста відповідь',
    budget: { '2025': { share: 12.5, source: 'region' } },
    staff: [{ role: 'секретар', level: 1 }],
    projects: [{ project_name: 'Парк' }],
  },
  { country: 'RU', region: 'RU-VLG', municipality: 'Тотьма', population: 9500.5, obstacles: [], satisfaction: 1 },
];

let researcher: TestAgent;
let wave: string;
let dir: string;
let docs: StoredResponse[];
const csvFile = () => `${wave}-responses.csv`;
const flat = (s: string) => s.replace(/\r\n|[\r\n]/g, ' ');

const exported = (file: string) => download(researcher, `/api/waves/${wave}/exports/${file}`);

function run(bin: string, args: string[]): { status: number | null; output: string } {
  const r = spawnSync(bin, args, { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

beforeAll(async () => {
  researcher = await agentAs(app, ['researcher']);
  const { version } = await registerVersion(`all-types-${randomUUID().slice(0, 6)}`, definition(), 'upload');
  wave = `w-${randomUUID().slice(0, 8)}`;
  await createOpenWave(version.id, {
    code: wave,
    title: { ru: "Волна 'все типы'; тест.", en: 'Every type wave', uk: 'Хвиля всіх типів' },
  });
  for (const answers of ROWS) {
    const res = await request(app)
      .post(`/api/waves/${wave}/responses`)
      .send({ clientId: randomUUID(), locale: 'ru', answers });
    expect(res.body.invalid_params ?? []).toEqual([]);
    expect(res.status).toBe(201);
  }
  docs = await storedResponses(wave);
  expect(docs[0].answers.comment).toBe(TEXT_1);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lsg-programs-'));
  fs.writeFileSync(path.join(dir, csvFile()), await exported('responses.csv?delimiter=semicolon'));
  fs.writeFileSync(path.join(dir, 'responses.sps'), await exported('responses.sps?delimiter=semicolon'));
  fs.writeFileSync(path.join(dir, 'responses.R'), await exported('responses.R?delimiter=semicolon'));
});

afterAll(() => {
  // LSG_KEEP_EXPORTS=<folder> keeps the files and what the programs wrote, to look at.
  if (dir && process.env.LSG_KEEP_EXPORTS) fs.cpSync(dir, process.env.LSG_KEEP_EXPORTS, { recursive: true });
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** The most rows/panels a response has: so many of each get columns. */
const columns = () => allColumns(definition(), { staff: 2, projects: 3 });

/** The value of a column in the database for a response, as text ('' when unanswered). */
function expected(d: StoredResponse, column: string): string {
  const a = d.answers;
  switch (column) {
    case 'response_id':
      return d._id;
    case 'region_code':
      return d.regionCode;
    case 'comment':
    case 'string':
      return flat(String(a[column] ?? ''));
    case 'population':
    case 'satisfaction':
      return a[column] === undefined ? '' : String(a[column]);
    case 'q_municipality':
      return String(a.municipality ?? '');
    case 'obstacles_funding':
    case 'obstacles_legal':
    case 'obstacles_staff':
      return (a.obstacles as string[]).includes(column.split('_')[1]) ? '1' : '0';
    case 'severity_funding':
      return String((a.severity as Record<string, number> | undefined)?.funding ?? '');
    case 'priorities_first':
      return String((a.priorities as string[] | undefined)?.[0] ?? '');
    case 'budget__2024__share':
    case 'budget__2025__share':
    case 'budget__2024__source':
    case 'budget__2025__source': {
      const [, row, cell] = column.split('__');
      return String((a.budget as Record<string, Record<string, unknown>> | undefined)?.[row]?.[cell] ?? '');
    }
    case 'staff__1__role':
    case 'staff__2__role':
    case 'staff__1__fte':
    case 'staff__2__fte':
    case 'staff__1__level':
    case 'staff__2__level':
    case 'projects__1__project_name':
    case 'projects__3__project_name':
    case 'projects__2__project_note': {
      const [q, i, cell] = column.split('__');
      return flat(String((a[q] as Record<string, unknown>[] | undefined)?.[Number(i) - 1]?.[cell] ?? ''));
    }
    default:
      throw new Error(`no expectation for ${column}`);
  }
}
const CHECKED = [
  'response_id',
  'region_code',
  'comment',
  'string',
  'population',
  'satisfaction',
  'q_municipality',
  'obstacles_funding',
  'obstacles_legal',
  'obstacles_staff',
  'severity_funding',
  'priorities_first',
  'budget__2024__share',
  'budget__2025__share',
  'budget__2024__source',
  'budget__2025__source',
  'staff__1__role',
  'staff__2__role',
  'staff__1__fte',
  'staff__2__fte',
  'staff__1__level',
  'staff__2__level',
  'projects__1__project_name',
  'projects__3__project_name',
  'projects__2__project_note',
];

describe('the exported files', () => {
  it('every line of the R script is under 1,000 bytes and ASCII; the syntax renames what SPSS cannot take', () => {
    const r = fs.readFileSync(path.join(dir, 'responses.R'), 'utf8');
    for (const line of r.split('\n')) expect(Buffer.byteLength(line)).toBeLessThan(1000);
    expect([...r].every((ch) => ch === '\n' || (ch >= ' ' && ch <= '~'))).toBe(true);
    const sps = fs.readFileSync(path.join(dir, 'responses.sps'), 'utf8');
    expect(sps).not.toMatch(/SET UNICODE/);
    expect(sps).toMatch(/^ {4}q_comment A8192\r$/m);
    expect(sps).toMatch(/^ {4}q_string A8192\r$/m);
    // Every line break of a free text became a space: one CSV line per response.
    const lines = fs.readFileSync(path.join(dir, csvFile()), 'utf8').split('\r\n').filter(Boolean);
    expect(lines).toHaveLength(docs.length + 1);
    // Matrix cells, dynamic rows and panels have columns of their own, as many rows/panels as the
    // longest response has.
    const csv = parse(fs.readFileSync(path.join(dir, csvFile()), 'utf8').slice(1), {
      columns: true,
      delimiter: ';',
    }) as Record<string, string>[];
    const first = csv.find((r) => r.response_id === docs[0]._id)!;
    expect(first.budget__2024__source).toBe('own');
    expect(first.budget__2024__share).toBe('40');
    expect(first.staff__1__role).toBe('глава; "мэр"');
    expect(first.staff__2__fte).toBe('0.5');
    expect(first.projects__2__project_note).toBe('ремонт; крыша');
    expect(first.projects__3__project_name).toBe('Мост');
    expect(Object.keys(first).filter((k) => /^(staff|projects)__/.test(k))).toEqual(
      columns()
        .map((c) => c.name)
        .filter((k) => /^(staff|projects)__/.test(k)),
    );
    expect('projects__4__project_name' in first).toBe(false);
    expect(spssNames(columns())).toEqual(
      new Map([
        ['comment', 'q_comment'],
        ['string', 'q_string'],
      ]),
    );
  });

  it('the codebook records the renames', async () => {
    const book = parse((await exported('codebook.csv?delimiter=comma&locale=en')).toString('utf8').slice(1), {
      columns: true,
      comment: '#',
    }) as Record<string, string>[];
    const row = (v: string) => book.find((r) => r.Variable === v && r.Code === '')!;
    expect(row('comment')['Name in SPSS']).toBe('q_comment');
    expect(row('string')['Name in SPSS']).toBe('q_string');
    expect(row('population')['Name in SPSS']).toBe('population');
    // Matrix cells, dynamic rows and panels: the path in the name, the titles of row and cell.
    expect(row('budget__2024__source')['Question (en)']).toBe('budget: 2024: source');
    expect(row('staff__2__fte')['Question (en)']).toBe('Staff (2): fte');
    expect(row('projects__3__project_name')['Question (en)']).toBe('projects (3): project_name');
    expect(book.filter((r) => r.Variable === 'budget__2025__source' && r.Code).map((r) => r.Code)).toEqual([
      'own',
      'region',
    ]);
    expect(book.some((r) => r.Variable === 'projects__4__project_name')).toBe(false);
  });
});

describe('GNU PSPP runs the .sps', () => {
  itPspp('without an error or warning', () => {
    const { status, output } = run('pspp', ['responses.sps']);
    console.log(`pspp responses.sps (exit ${status}):\n${output || '(no output)'}`);
    expect(output).not.toMatch(/error|warning/i);
    expect(status).toBe(0);
  });

  itPspp('and reads every case and variable, with labels, levels and the values in the database', () => {
    fs.writeFileSync(
      path.join(dir, 'check.sps'),
      [
        "SAVE TRANSLATE /OUTFILE='pspp-values.csv' /TYPE=CSV /FIELDNAMES /CELLS=VALUES /REPLACE.",
        "SAVE TRANSLATE /OUTFILE='pspp-labels.csv' /TYPE=CSV /FIELDNAMES /CELLS=LABELS /REPLACE.",
        'DISPLAY DICTIONARY.',
        '',
      ].join('\n'),
    );
    const { status, output } = run('pspp', ['-o', 'pspp-dictionary.csv', 'responses.sps', 'check.sps']);
    expect(output).toBe('');
    expect(status).toBe(0);
    const cols = columns();
    const spss = spssNames(cols);
    const nameOf = (n: string) => spss.get(n) ?? n;
    const read = (f: string) =>
      parse(fs.readFileSync(path.join(dir, f), 'utf8'), { columns: true, trim: true }) as Record<string, string>[];
    const values = read('pspp-values.csv');
    const labels = read('pspp-labels.csv');
    expect(values).toHaveLength(docs.length);
    expect(Object.keys(values[0])).toEqual(cols.map((c) => nameOf(c.name)));

    // The dictionary: variable labels and measurement levels.
    const dict = fs.readFileSync(path.join(dir, 'pspp-dictionary.csv'), 'utf8');
    const table = dict.split('Table: Variables\n')[1].split('\n\n')[0];
    const vars = parse(table, { columns: true }) as Record<string, string>[];
    expect(vars).toHaveLength(cols.length);
    const v = (n: string) => vars.find((x) => x.Name === n)!;
    expect(v('q_string').Label).toBe("Строка 'в кавычках'; с точкой в конце.");
    expect(v('satisfaction')['Measurement Level']).toBe('Ordinal');
    expect(v('obstacles_funding')['Measurement Level']).toBe('Nominal');
    expect(v('population')['Measurement Level']).toBe('Scale');
    expect(v('q_comment')['Measurement Level']).toBe('Nominal');

    for (const d of docs) {
      const row = values.find((r) => r.response_id === d._id)!;
      const lab = labels.find((r) => r.response_id === d._id)!;
      for (const c of CHECKED) {
        const got = row[nameOf(c)];
        const want = expected(d, c);
        if (want !== '' && /^-?\d+(\.\d+)?$/.test(want)) expect(Number(got)).toBe(Number(want));
        else expect(got.replace(/^'/, '')).toBe(want);
      }
      expect(lab.obstacles_funding).toBe(expected(d, 'obstacles_funding') === '1' ? 'выбрано' : 'не выбрано');
      expect(lab.region).toBe(d.regionCode === 'RU-VLG' ? 'Вологодская область' : 'Винницкая область');
      expect(row.submitted_at).toBe(d.submittedAt.toISOString().replace(/\.\d{3}Z$/, 'Z'));
    }
  });
});

describe('R runs the .R', () => {
  itR('with Rscript, without an error or warning', () => {
    const { status, output } = run('Rscript', ['responses.R']);
    console.log(`Rscript responses.R (exit ${status}):\n${output || '(no output)'}`);
    expect(output).toBe('');
    expect(status).toBe(0);
  });

  itR('with source(), in a C locale too: cases, variables, labels, numeric checkboxes and the values', () => {
    fs.writeFileSync(
      path.join(dir, 'check.R'),
      [
        'source("responses.R")',
        '# Written byte for byte (UTF-8) so that a C locale does not turn the text into <U+...>.',
        'out <- file("r-meta.tsv", open = "wb")',
        'put <- function(...) writeLines(enc2utf8(paste(..., sep = "\\t")), out, useBytes = TRUE)',
        'put("cases", nrow(responses))',
        'for (n in names(responses)) {',
        '  x <- responses[[n]]',
        '  labs <- attr(x, "labels")',
        '  put("var", n, class(x)[1], attr(x, "label"), paste(names(labs), labs, sep = "=", collapse = "|"))',
        '  v <- if (inherits(x, "POSIXct")) format(x, "%Y-%m-%d %H:%M:%S", tz = "UTC") else as.character(x)',
        '  v[is.na(v)] <- ""',
        '  for (i in seq_along(v)) put("cell", n, responses$response_id[i], v[i])',
        '}',
        'close(out)',
        '',
      ].join('\n'),
    );
    for (const env of [{}, { LANG: 'C', LC_ALL: 'C' }]) {
      const r = spawnSync('Rscript', ['check.R'], {
        cwd: dir,
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, ...env },
      });
      expect(`${r.stdout}${r.stderr}`).toBe('');
      expect(r.status).toBe(0);
      const cols = columns();
      const lines = fs
        .readFileSync(path.join(dir, 'r-meta.tsv'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split('\t'));
      expect(lines[0]).toEqual(['cases', String(docs.length)]);
      const meta = lines.filter((l) => l[0] === 'var').map((l) => l.slice(1));
      expect(meta.map((m) => m[0])).toEqual(cols.map((c) => c.name));
      const m = (n: string) => meta.find((x) => x[0] === n)!;
      expect(m('obstacles_funding').slice(1)).toEqual(['integer', 'obstacles: funding', 'не выбрано=0|выбрано=1']);
      expect(m('satisfaction')[1]).toBe('integer');
      expect(m('region')[1]).toBe('factor');
      expect(m('region_code')[1]).toBe('character');
      expect(m('submitted_at')[1]).toBe('POSIXct');
      expect(m('population')[1]).toBe('numeric');
      expect(m('budget__2024__share')[1]).toBe('numeric');
      expect(m('staff__1__fte')[1]).toBe('numeric');
      expect(m('staff__1__level').slice(1)).toEqual(['integer', 'Сотрудники (1): level', '1=1|2=2|3=3']);
      expect(m('string')[2]).toBe("Строка 'в кавычках'; с точкой в конце.");
      const cell = (column: string, id: string) =>
        lines.find((l) => l[0] === 'cell' && l[1] === column && l[2] === id)?.[3] ?? '';
      for (const d of docs) {
        const row = (c: string) => cell(c, d._id);
        for (const c of CHECKED) {
          if (c === 'region_code')
            expect(row('region')).toBe(d.regionCode === 'RU-VLG' ? 'Вологодская область' : 'Винницкая область');
          const want = expected(d, c);
          if (want !== '' && /^-?\d+(\.\d+)?$/.test(want)) expect(Number(row(c))).toBe(Number(want));
          else expect(row(c).replace(/^'/, '')).toBe(want);
        }
        expect(row('submitted_at')).toBe(d.submittedAt.toISOString().slice(0, 19).replace('T', ' '));
      }
    }
  });
});
