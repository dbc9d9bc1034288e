// What makes the raw CSV open labelled: the codebook (variable, question text in ru/en/uk, type,
// value codes and labels), SPSS syntax, an R script, and a Frictionless data package descriptor.
import type { Localized } from '../reference/reference.service';
import type { Column, ColumnType } from './columns';
import type { Sheet } from './tables';
import type { Lng } from './table-builders';

type Described = Omit<Column, 'value'>;

const HEAD: Record<Lng, string[]> = {
  ru: [
    'Переменная',
    'Вопрос (рус.)',
    'Вопрос (англ.)',
    'Вопрос (укр.)',
    'Тип',
    'Тип вопроса',
    'Код',
    'Метка (рус.)',
    'Метка (англ.)',
    'Метка (укр.)',
  ],
  en: [
    'Variable',
    'Question (ru)',
    'Question (en)',
    'Question (uk)',
    'Type',
    'Question type',
    'Code',
    'Label (ru)',
    'Label (en)',
    'Label (uk)',
  ],
  uk: [
    'Змінна',
    'Питання (рос.)',
    'Питання (англ.)',
    'Питання (укр.)',
    'Тип',
    'Тип питання',
    'Код',
    'Мітка (рос.)',
    'Мітка (англ.)',
    'Мітка (укр.)',
  ],
};
const TITLE: Localized = { ru: 'Кодовая книга', en: 'Codebook', uk: 'Кодова книга' };

/** One row per variable, then one row per value code with its labels. */
export function codebookSheet(columns: Described[], lng: Lng, notes: string[]): Sheet {
  const rows: (string | number)[][] = [];
  for (const c of columns) {
    rows.push([c.name, c.title.ru, c.title.en, c.title.uk, c.type, c.questionType, '', '', '', '']);
    for (const l of c.labels ?? [])
      rows.push([c.name, '', '', '', '', '', l.value, l.labels.ru, l.labels.en, l.labels.uk]);
  }
  return { name: TITLE[lng], title: TITLE[lng], notes, header: HEAD[lng], rows };
}

const spsString = (s: string) => `'${s.replace(/'/g, "''").replace(/[\r\n]+/g, ' ')}'`;
const SPS_FORMAT: Record<ColumnType, string> = { string: 'A2000', integer: 'F8.0', number: 'F16.4', datetime: 'A32' };
const CODE_WIDTH = 'A64';

/** SPSS syntax: reads the CSV (UTF-8) and applies variable and value labels. */
export function spssSyntax(columns: Described[], csvFile: string, delimiter: string, lng: Lng, header: string): string {
  const delim = delimiter === '\t' ? '\\t' : delimiter;
  const fmt = (c: Described) => (c.type === 'string' && c.labels?.length ? CODE_WIDTH : SPS_FORMAT[c.type]);
  const lines = [
    `* ${header}.`,
    '* Encoding: UTF-8. Put this file next to the CSV and run it (File > Open > Syntax, Run > All).',
    'SET UNICODE=ON.',
    'GET DATA',
    '  /TYPE=TXT',
    `  /FILE=${spsString(csvFile)}`,
    "  /ENCODING='UTF8'",
    `  /DELIMITERS=${spsString(delim)}`,
    `  /QUALIFIER='"'`,
    '  /ARRANGEMENT=DELIMITED',
    '  /FIRSTCASE=2',
    '  /VARIABLES=',
    ...columns.map((c) => `    ${c.name} ${fmt(c)}`),
    '.',
    'VARIABLE LABELS',
    ...columns.map((c, i) => `  ${c.name} ${spsString(c.title[lng])}${i === columns.length - 1 ? '.' : ''}`),
  ];
  const labelled = columns.filter((c) => c.labels?.length);
  if (labelled.length) {
    lines.push('VALUE LABELS');
    labelled.forEach((c, i) => {
      lines.push(`  ${i ? '/' : ''}${c.name}`);
      for (const l of c.labels!)
        lines.push(
          `    ${typeof l.value === 'number' ? l.value : spsString(String(l.value))} ${spsString(l.labels[lng])}`,
        );
    });
    lines.push('.');
  }
  lines.push('EXECUTE.', '');
  return lines.join('\r\n');
}

const rString = (s: string) =>
  `"${s
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/[\r\n]+/g, ' ')}"`;

/** An R script (base R only): reads the CSV, makes labelled factors and sets variable labels. */
export function rScript(columns: Described[], csvFile: string, delimiter: string, lng: Lng, header: string): string {
  const sep = delimiter === '\t' ? '\\t' : delimiter;
  const colClasses = columns.map(
    (c) =>
      `${rString(c.name)} = ${rString(c.type === 'integer' ? 'integer' : c.type === 'number' ? 'numeric' : 'character')}`,
  );
  const lines = [
    `# ${header}`,
    '# Put this file next to the CSV and run: source("<this file>", encoding = "UTF-8")',
    `responses <- read.csv(${rString(csvFile)}, sep = "${sep}", fileEncoding = "UTF-8-BOM", check.names = FALSE,`,
    `  na.strings = "", stringsAsFactors = FALSE, colClasses = c(${colClasses.join(', ')}))`,
    '',
    '# Value labels: factors with the codes as levels and the labels as level names.',
  ];
  for (const c of columns) {
    if (!c.labels?.length) continue;
    const levels = c.labels.map((l) => (typeof l.value === 'number' ? String(l.value) : rString(l.value)));
    const labels = c.labels.map((l) => rString(l.labels[lng]));
    lines.push(
      `responses[[${rString(c.name)}]] <- factor(responses[[${rString(c.name)}]], levels = c(${levels.join(', ')}), labels = c(${labels.join(', ')}))`,
    );
  }
  lines.push('', '# Variable labels (shown by View() in RStudio and kept by haven/labelled).');
  for (const c of columns) lines.push(`attr(responses[[${rString(c.name)}]], "label") <- ${rString(c.title[lng])}`);
  lines.push('');
  return lines.join('\n');
}

const FD_TYPE: Record<ColumnType, string> = {
  string: 'string',
  integer: 'integer',
  number: 'number',
  datetime: 'datetime',
};

/** A Frictionless Data Package (v2) describing the CSV: field types, titles and value labels (categories). */
export function dataPackage(
  columns: Described[],
  opts: { name: string; title: string; csvFile: string; delimiter: string; lng: Lng; description: string },
): Record<string, unknown> {
  return {
    $schema: 'https://datapackage.org/profiles/2.0/datapackage.json',
    name: opts.name.toLowerCase().replace(/[^a-z0-9._-]/g, '-'),
    title: opts.title,
    description: opts.description,
    created: new Date().toISOString(),
    resources: [
      {
        name: 'responses',
        type: 'table',
        path: opts.csvFile,
        format: 'csv',
        mediatype: 'text/csv',
        encoding: 'utf-8-sig',
        dialect: {
          $schema: 'https://datapackage.org/profiles/2.0/tabledialect.json',
          delimiter: opts.delimiter,
          header: true,
          lineTerminator: '\r\n',
          quoteChar: '"',
        },
        schema: {
          $schema: 'https://datapackage.org/profiles/2.0/tableschema.json',
          fields: columns.map((c) => ({
            name: c.name,
            type: FD_TYPE[c.type],
            title: c.title[opts.lng],
            description: `${c.title.ru} | ${c.title.en} | ${c.title.uk}`,
            ...(c.labels?.length
              ? {
                  categories: c.labels.map((l) => ({ value: l.value, label: l.labels[opts.lng] })),
                  constraints: { enum: c.labels.map((l) => l.value) },
                }
              : {}),
          })),
          missingValues: [''],
          primaryKey: ['response_id'],
        },
      },
    ],
  };
}
