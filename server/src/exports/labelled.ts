// What makes the raw CSV open labelled: the codebook (variable, question text in ru/en/uk, type,
// value codes and labels), SPSS syntax, an R script, and a Frictionless data package descriptor.
import type { Localized } from '../reference/reference.service';
import type { Column, ColumnType } from './columns';
import type { Sheet } from './tables';
import type { Lng } from './table-builders';
import { isoSeconds } from './csv';

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
const SPSS_NAME: Localized = { ru: 'Имя в SPSS', en: 'Name in SPSS', uk: 'Ім’я в SPSS' };

/** One row per variable (with its name in the .sps when SPSS needs another), then one row per value code. */
export function codebookSheet(columns: Described[], lng: Lng, notes: string[]): Sheet {
  const rows: (string | number)[][] = [];
  const spss = spssNames(columns);
  for (const c of columns) {
    const renamed = spss.get(c.name) ?? c.name;
    rows.push([c.name, c.title.ru, c.title.en, c.title.uk, c.type, c.questionType, '', '', '', '', renamed]);
    for (const l of c.labels ?? [])
      rows.push([c.name, '', '', '', '', '', l.value, l.labels.ru, l.labels.en, l.labels.uk, '']);
  }
  return { name: TITLE[lng], title: TITLE[lng], notes, header: [...HEAD[lng], SPSS_NAME[lng]], rows };
}

// ---------------------------------------------------------------------------------------------
// SPSS / PSPP syntax

/** Keywords that can never be variable names in SPSS. */
const SPSS_RESERVED = new Set(['ALL', 'AND', 'BY', 'EQ', 'GE', 'GT', 'LE', 'LT', 'NE', 'NOT', 'OR', 'TO', 'WITH']);
/**
 * First words of commands. PSPP (and SPSS in some modes) takes a line that starts with one of
 * them, or an abbreviation of at least three letters, as a new command even inside another
 * (`comment A2000` inside GET DATA silently swallows the rest): such names are renamed.
 */
const SPSS_COMMANDS = [
  'ADD',
  'AGGREGATE',
  'ALTER',
  'APPLY',
  'AUTORECODE',
  'BEGIN',
  'BREAK',
  'CACHE',
  'CASEPLOT',
  'CD',
  'CLEAR',
  'CLOSE',
  'COMMENT',
  'COMPUTE',
  'CONJOINT',
  'COUNT',
  'CROSSTABS',
  'DATA',
  'DATAFILE',
  'DATASET',
  'DATE',
  'DEFINE',
  'DELETE',
  'DESCRIPTIVES',
  'DISPLAY',
  'DO',
  'DOCUMENT',
  'DROP',
  'ECHO',
  'ELSE',
  'END',
  'ERASE',
  'EXAMINE',
  'EXECUTE',
  'EXIT',
  'EXPORT',
  'FILE',
  'FILTER',
  'FINISH',
  'FLIP',
  'FORMATS',
  'FREQUENCIES',
  'GET',
  'GRAPH',
  'HOST',
  'IF',
  'IMPORT',
  'INCLUDE',
  'INPUT',
  'INSERT',
  'KEEP',
  'LEAVE',
  'LIST',
  'LOOP',
  'MATCH',
  'MATRIX',
  'MEANS',
  'MISSING',
  'MODIFY',
  'MRSETS',
  'NEW',
  'NUMERIC',
  'OUTPUT',
  'PERMISSIONS',
  'PRESERVE',
  'PRINT',
  'QUICK',
  'RANK',
  'RECODE',
  'RECORD',
  'REGRESSION',
  'RELIABILITY',
  'RENAME',
  'REPEAT',
  'REPEATING',
  'REREAD',
  'RESTORE',
  'SAMPLE',
  'SAVE',
  'SELECT',
  'SET',
  'SHOW',
  'SORT',
  'SPLIT',
  'STRING',
  'SUBTITLE',
  'SYSFILE',
  'TEMPORARY',
  'TITLE',
  'UPDATE',
  'USE',
  'VALUE',
  'VARIABLE',
  'VARSTOCASES',
  'VECTOR',
  'WEIGHT',
  'WRITE',
  'XEXPORT',
  'XSAVE',
];
const clashesWithCommand = (upper: string) =>
  SPSS_RESERVED.has(upper) || SPSS_COMMANDS.some((c) => c === upper || (upper.length >= 3 && c.startsWith(upper)));
const utf8Length = (s: string) => Buffer.byteLength(s, 'utf8');

/** Cuts a string to at most `bytes` UTF-8 bytes without splitting a character. */
function cutBytes(s: string, bytes: number): string {
  if (utf8Length(s) <= bytes) return s;
  let out = '';
  for (const ch of s) {
    if (utf8Length(out + ch) > bytes) break;
    out += ch;
  }
  return out;
}

/**
 * The name of each column in the SPSS syntax: letters, digits and `_` only, starting with a
 * letter, at most 64 bytes, unique without regard to case, and never a keyword or command word
 * (`comment` becomes `q_comment`). Only the names that change are in the map.
 */
export function spssNames(columns: { name: string }[]): Map<string, string> {
  const out = new Map<string, string>();
  const used = new Set<string>();
  const safe = (name: string) => {
    let n = name.replace(/[^A-Za-z0-9_]/g, '_');
    if (!/^[A-Za-z]/.test(n)) n = `v_${n}`;
    if (clashesWithCommand(n.toUpperCase())) n = `q_${n}`;
    return cutBytes(n, 60);
  };
  for (const c of columns) {
    const base = safe(c.name);
    let n = base;
    for (let i = 2; used.has(n.toUpperCase()); i++) n = `${base}_${i}`;
    used.add(n.toUpperCase());
    if (n !== c.name) out.set(c.name, n);
  }
  return out;
}

/** Line breaks and the other control characters, which must not reach a syntax line. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f\u2028\u2029]+/g;
/** A quoted SPSS string: quotes doubled, line breaks and other control characters made spaces. */
const spsString = (s: string) => `'${s.replace(/'/g, "''").replace(CONTROL, ' ')}'`;
/** A comment line's text: one line, and no period at its end (that would end the comment early). */
const spsComment = (s: string) => s.replace(CONTROL, ' ').replace(/[.\s]+$/, '');
/** Free texts (answers) and the response's own text fields (ids, names), in bytes. */
const TEXT_WIDTH = 8192;
const META_WIDTH = 1024;
const SPS_NUMERIC: Record<Exclude<ColumnType, 'string' | 'datetime'>, string> = { integer: 'F8.0', number: 'F16.4' };
/** Datetimes are read as their ISO 8601 text (`2026-03-01T09:30:00Z`, UTC). */
const DATETIME_WIDTH = 20;

type Level = 'NOMINAL' | 'ORDINAL' | 'SCALE';
/** Ratings and matrix rows (ordered codes) are ordinal; other codes nominal; numbers scale. */
function levelOf(c: Described): Level {
  if (c.type === 'number') return 'SCALE';
  if (c.type === 'integer' && !c.labels?.length) return 'SCALE';
  if (c.type === 'integer' && ['rating', 'matrix'].includes(c.questionType)) return 'ORDINAL';
  return 'NOMINAL';
}

function spsFormat(c: Described): string {
  if (c.type === 'integer' || c.type === 'number') return SPS_NUMERIC[c.type];
  if (c.type === 'datetime') return `A${DATETIME_WIDTH}`;
  if (c.labels?.length) return `A${Math.max(8, ...c.labels.map((l) => utf8Length(String(l.value))))}`;
  return c.questionType === 'meta' ? `A${META_WIDTH}` : `A${TEXT_WIDTH}`;
}

/**
 * SPSS syntax (runs in PSPP too, without an error or warning): reads the CSV (UTF-8), names
 * every variable, labels variables and values, sets measurement levels and declares blank text
 * as missing. Every name is made safe (see spssNames) and every label quoted.
 */
export function spssSyntax(columns: Described[], csvFile: string, delimiter: string, lng: Lng, header: string): string {
  const delim = delimiter === '\t' ? '\\t' : delimiter;
  const renamed = spssNames(columns);
  const nameOf = (c: Described) => renamed.get(c.name) ?? c.name;
  const lines = [
    `* ${spsComment(header)}.`,
    '* Encoding: UTF-8. In SPSS Statistics use Unicode mode (Edit > Options > Language).',
    '* Put this file next to the CSV, make that folder the working directory',
    `* (in SPSS: CD 'folder'.) and run it (Run > All; in PSPP: pspp <this file>).`,
  ];
  if (renamed.size) {
    lines.push('* Renamed for SPSS (CSV column > SPSS variable; the codebook lists them too):');
    for (const [from, to] of renamed) lines.push(`*   ${spsComment(from)} > ${to}`);
    lines.push('* (end of renamed variables).');
  }
  lines.push(
    'GET DATA',
    '  /TYPE=TXT',
    `  /FILE=${spsString(csvFile)}`,
    "  /ENCODING='UTF8'",
    `  /DELIMITERS=${spsString(delim)}`,
    `  /QUALIFIER='"'`,
    '  /ARRANGEMENT=DELIMITED',
    '  /FIRSTCASE=2',
    '  /VARIABLES=',
    ...columns.map((c) => `    ${nameOf(c)} ${spsFormat(c)}`),
    '.',
    'VARIABLE LABELS',
    ...columns.map(
      (c, i) =>
        `  ${i ? '/' : ''}${nameOf(c)} ${spsString(cutBytes(c.title[lng], 255))}${i === columns.length - 1 ? '.' : ''}`,
    ),
  );
  const labelled = columns.filter((c) => c.labels?.length);
  if (labelled.length) {
    lines.push('VALUE LABELS');
    labelled.forEach((c, i) => {
      lines.push(`  ${i ? '/' : ''}${nameOf(c)}`);
      for (const l of c.labels!)
        lines.push(
          `    ${typeof l.value === 'number' ? l.value : spsString(String(l.value))} ${spsString(cutBytes(l.labels[lng], 120))}`,
        );
    });
    lines.push('.');
  }
  const strings = columns.filter((c) => c.type === 'string' || c.type === 'datetime');
  if (strings.length) {
    lines.push('* A blank text (not answered) is missing.', 'MISSING VALUES');
    for (const c of strings) lines.push(`    ${nameOf(c)}`);
    lines.push("  ('').");
  }
  const levels: Level[] = ['NOMINAL', 'ORDINAL', 'SCALE'];
  const byLevel = levels
    .map((level) => ({ level, names: columns.filter((c) => levelOf(c) === level).map(nameOf) }))
    .filter((g) => g.names.length);
  if (byLevel.length) {
    lines.push('VARIABLE LEVEL');
    byLevel.forEach((g, i) => {
      g.names.forEach((n, j) => lines.push(`  ${i && !j ? '/' : ''}${n}`));
      lines.push(`    (${g.level})${i === byLevel.length - 1 ? '.' : ''}`);
    });
  }
  lines.push(
    'EXECUTE.',
    "* To keep the labelled data as an SPSS system file, run also: SAVE OUTFILE='responses.sav'.",
    '',
  );
  return lines.join('\r\n');
}

// ---------------------------------------------------------------------------------------------
// R

/** One R string literal, ASCII only: non-ASCII as \u escapes (read the same in any locale). */
function rEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp < 0x7f) out += ch;
    else if (cp <= 0xffff) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += `\\U{${cp.toString(16)}}`;
  }
  return `"${out}"`;
}

/** A string expression for R whose lines stay short: long text is split into paste0() pieces. */
function rString(s: string, indent = '  '): string {
  const chars = [...s];
  if (chars.length <= 40) return rEscape(s);
  const pieces: string[] = [];
  for (let i = 0; i < chars.length; i += 40) pieces.push(rEscape(chars.slice(i, i + 40).join('')));
  return `paste0(\n${pieces.map((p) => `${indent}  ${p}`).join(',\n')}\n${indent})`;
}

const R_CLASS: Record<ColumnType, string> = {
  string: 'character',
  integer: 'integer',
  number: 'numeric',
  datetime: 'character',
};

/**
 * An R script (base R only) that runs with `Rscript file.R` and `source()` in any locale: the
 * file is ASCII (text as \u escapes), no line is longer than a few hundred bytes. Coded text
 * variables become factors; numeric codes (checkboxes 0/1, ratings, matrix rows) stay numbers
 * with a haven-style "labels" attribute, so the researcher chooses when to make factors.
 */
export function rScript(columns: Described[], csvFile: string, delimiter: string, lng: Lng, header: string): string {
  const sep = delimiter === '\t' ? '\\t' : delimiter;
  const lines = [
    '# -*- coding: utf-8 -*-',
    '# Encoding: UTF-8. This file is plain ASCII (text is written as \\u escapes); the CSV is UTF-8.',
    '# Put this file next to the CSV, make that folder the working directory (setwd) and run',
    '#   Rscript <this file>   or   source("<this file>")',
    `export_info <- ${rString(header)}`,
    `csv_file <- ${rEscape(csvFile)}`,
    'column_classes <- c(',
    ...columns.map((c, i) => `  ${rEscape(c.name)} = "${R_CLASS[c.type]}"${i === columns.length - 1 ? '' : ','}`),
    ')',
    '# The header line is skipped: the names come from column_classes (a byte-order mark cannot spoil them).',
    `responses <- read.csv(csv_file, sep = "${sep}", header = FALSE, skip = 1, encoding = "UTF-8",`,
    '  quote = "\\"", comment.char = "", na.strings = "", stringsAsFactors = FALSE, check.names = FALSE,',
    '  col.names = names(column_classes), colClasses = unname(column_classes))',
    '',
    '# Timestamps (UTC) as POSIXct.',
  ];
  for (const c of columns.filter((x) => x.type === 'datetime'))
    lines.push(
      `responses[[${rEscape(c.name)}]] <- as.POSIXct(responses[[${rEscape(c.name)}]], format = "%Y-%m-%dT%H:%M:%SZ", tz = "UTC")`,
    );
  lines.push('', '# Coded text: factors with the codes as levels and the labels as level names.');
  for (const c of columns) {
    if (!c.labels?.length || c.type !== 'string') continue;
    const n = rEscape(c.name);
    lines.push(`responses[[${n}]] <- factor(responses[[${n}]],`, '  levels = c(');
    c.labels.forEach((l, i) =>
      lines.push(`    ${rString(String(l.value), '    ')}${i === c.labels!.length - 1 ? '' : ','}`),
    );
    lines.push('  ),', '  labels = c(');
    c.labels.forEach((l, i) =>
      lines.push(`    ${rString(l.labels[lng], '    ')}${i === c.labels!.length - 1 ? '' : ','}`),
    );
    lines.push('  )', ')');
  }
  lines.push(
    '',
    '# Numeric codes stay numbers; their value labels are in attr(x, "labels") (as haven reads them):',
    '# factor(x, levels = attr(x, "labels"), labels = names(attr(x, "labels"))) makes a factor.',
  );
  for (const c of columns) {
    if (!c.labels?.length || c.type === 'string') continue;
    const n = rEscape(c.name);
    lines.push(
      `attr(responses[[${n}]], "labels") <- setNames(`,
      `  c(${c.labels.map((l) => Number(l.value)).join(', ')}),`,
      '  c(',
    );
    c.labels.forEach((l, i) =>
      lines.push(`    ${rString(l.labels[lng], '    ')}${i === c.labels!.length - 1 ? '' : ','}`),
    );
    lines.push('  )', ')');
  }
  lines.push('', '# Variable labels (shown by View() in RStudio and kept by haven/labelled).');
  for (const c of columns) lines.push(`attr(responses[[${rEscape(c.name)}]], "label") <- ${rString(c.title[lng])}`);
  lines.push('');
  return lines.join('\n');
}

const FD_TYPE: Record<ColumnType, string> = {
  string: 'string',
  integer: 'integer',
  number: 'number',
  datetime: 'datetime',
};

/**
 * A Data Package (v2) describing the CSV: standard encoding name, v2 table schema field types
 * (datetimes in the default format, whole seconds), titles, value labels as v2 `categories`
 * (ordered for ratings and matrix rows) with the codes as an `enum` constraint.
 */
export function dataPackage(
  columns: Described[],
  opts: { name: string; title: string; csvFile: string; delimiter: string; lng: Lng; description: string },
): Record<string, unknown> {
  return {
    $schema: 'https://datapackage.org/profiles/2.0/datapackage.json',
    name: opts.name.toLowerCase().replace(/[^a-z0-9._-]/g, '-'),
    title: opts.title,
    description: opts.description,
    created: isoSeconds(new Date()),
    resources: [
      {
        name: 'responses',
        type: 'table',
        path: opts.csvFile,
        format: 'csv',
        mediatype: 'text/csv',
        encoding: 'utf-8',
        dialect: {
          $schema: 'https://datapackage.org/profiles/2.0/tabledialect.json',
          delimiter: opts.delimiter,
          header: true,
          lineTerminator: '\r\n',
          quoteChar: '"',
          doubleQuote: true,
        },
        schema: {
          $schema: 'https://datapackage.org/profiles/2.0/tableschema.json',
          fields: columns.map((c) => ({
            name: c.name,
            type: FD_TYPE[c.type],
            title: c.title[opts.lng],
            description: `${c.title.ru} | ${c.title.en} | ${c.title.uk}`,
            ...(c.name === 'response_id' ? { constraints: { required: true, unique: true } } : {}),
            ...(c.labels?.length
              ? {
                  categories: c.labels.map((l) => ({ value: l.value, label: l.labels[opts.lng] })),
                  ...(levelOf(c) === 'ORDINAL' ? { categoriesOrdered: true } : {}),
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
