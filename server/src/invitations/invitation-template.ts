// The import template a coordinator fills in: the expected columns (CSV or XLSX) and the codes a
// wave accepts (its regions and the municipality types of its countries) with their names in the
// coordinator's language. The XLSX holds the codes on extra sheets; for CSV they are a second file.
import ExcelJS from 'exceljs';
import { stringify } from 'csv-stringify/sync';
import { safeCell, UTF8_BOM } from '../exports/csv';
import { findRegion, municipalityTypes } from '../reference/reference.service';
import { regionsInScope, typesOf, type ImportScope } from './invitation-import';

export type TemplateLang = 'ru' | 'uk' | 'en';

/** The headings the import recognises, in the order of the template. */
export const TEMPLATE_COLUMNS = ['id', 'name', 'region', 'type', 'population', 'email', 'language'] as const;

const TEXT: Record<
  TemplateLang,
  {
    list: string;
    regions: string;
    types: string;
    code: string;
    name: string;
    country: string;
    kind: { region: string; type: string };
    help: Record<(typeof TEMPLATE_COLUMNS)[number], string>;
  }
> = {
  ru: {
    list: 'Муниципалитеты',
    regions: 'Коды регионов',
    types: 'Типы муниципалитетов',
    code: 'Код',
    name: 'Название',
    country: 'Страна',
    kind: { region: 'регион', type: 'тип муниципалитета' },
    help: {
      id: 'Идентификатор муниципалитета (например, ОКТМО): латинские буквы, цифры, _ и -. Можно оставить пустым.',
      name: 'Название муниципалитета.',
      region: 'Код региона с листа «Коды регионов», например RU-VLG.',
      type: 'Код типа с листа «Типы муниципалитетов», например municipal_okrug.',
      population: 'Численность населения, целое число.',
      email: 'Адрес электронной почты для рассылки ссылки.',
      language: 'Язык писем: ru, uk или en. Можно оставить пустым: тогда по стране (Россия — ru, Украина — uk).',
    },
  },
  uk: {
    list: 'Громади',
    regions: 'Коди регіонів',
    types: 'Типи громад',
    code: 'Код',
    name: 'Назва',
    country: 'Країна',
    kind: { region: 'регіон', type: 'тип громади' },
    help: {
      id: 'Ідентифікатор громади: латинські літери, цифри, _ і -. Можна залишити порожнім.',
      name: 'Назва громади.',
      region: 'Код регіону з аркуша «Коди регіонів», наприклад UA-05.',
      type: 'Код типу з аркуша «Типи громад», наприклад hromada_rural.',
      population: 'Чисельність населення, ціле число.',
      email: 'Адреса електронної пошти для надсилання посилання.',
      language: 'Мова листів: ru, uk або en. Можна залишити порожнім: тоді за країною (Україна — uk, Росія — ru).',
    },
  },
  en: {
    list: 'Municipalities',
    regions: 'Region codes',
    types: 'Municipality types',
    code: 'Code',
    name: 'Name',
    country: 'Country',
    kind: { region: 'region', type: 'municipality type' },
    help: {
      id: 'Municipality id (e.g. OKTMO): Latin letters, digits, _ and -. May be left empty.',
      name: 'Name of the municipality.',
      region: 'Region code from the "Region codes" sheet, e.g. RU-VLG.',
      type: 'Type code from the "Municipality types" sheet, e.g. municipal_okrug.',
      population: 'Population, a whole number.',
      email: 'E-mail address the link is sent to.',
      language:
        'Language of the mails: ru, uk or en. May be left empty: then from the country (Russia ru, Ukraine uk).',
    },
  },
};

type CodeRow = { code: string; name: string; country: string };

function codeLists(scope: ImportScope, lang: TemplateLang): { regions: CodeRow[]; types: CodeRow[] } {
  const regions = regionsInScope(scope)
    .map((c) => findRegion(c))
    .filter((r) => r !== undefined)
    .map((r) => ({ code: r.code, name: r.names[lang], country: r.country }));
  const typeCodes = new Set(typesOf(scope.countries));
  const types = municipalityTypes
    .filter((t) => typeCodes.has(t.code))
    .map((t) => ({ code: t.code, name: t.names[lang], country: t.country ?? '' }));
  return { regions, types };
}

const csvText = (rows: string[][]) =>
  UTF8_BOM +
  stringify(
    rows.map((r) => r.map(safeCell)),
    { delimiter: ';', record_delimiter: 'windows' },
  );

/** The columns only: a heading line the import reads as is. */
export function templateCsv(): string {
  return csvText([[...TEMPLATE_COLUMNS]]);
}

/** The allowed codes as a second CSV: kind; code; name; country. */
export function codesCsv(scope: ImportScope, lang: TemplateLang): string {
  const t = TEXT[lang];
  const { regions, types } = codeLists(scope, lang);
  return csvText([
    [t.kind.region + ' / ' + t.kind.type, t.code, t.name, t.country],
    ...regions.map((r) => [t.kind.region, r.code, r.name, r.country]),
    ...types.map((ty) => [t.kind.type, ty.code, ty.name, ty.country]),
  ]);
}

/** The first sheet has the columns (each heading explained in a note); the next two list the codes. */
export async function templateXlsx(scope: ImportScope, lang: TemplateLang): Promise<Buffer> {
  const t = TEXT[lang];
  const { regions, types } = codeLists(scope, lang);
  const workbook = new ExcelJS.Workbook();
  const list = workbook.addWorksheet(t.list, { views: [{ state: 'frozen', ySplit: 1 }] });
  const head = list.addRow([...TEMPLATE_COLUMNS]);
  head.font = { bold: true };
  TEMPLATE_COLUMNS.forEach((c, i) => (head.getCell(i + 1).note = t.help[c]));
  list.columns.forEach((c, i) => (c.width = [16, 36, 12, 22, 14, 30][i]));
  for (const [title, rows] of [
    [t.regions, regions],
    [t.types, types],
  ] as const) {
    const sheet = workbook.addWorksheet(title, { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.addRow([t.code, t.name, t.country]).font = { bold: true };
    for (const r of rows) sheet.addRow([r.code, r.name, r.country]);
    sheet.columns.forEach((c, i) => (c.width = [24, 48, 10][i]));
  }
  return Buffer.from((await workbook.xlsx.writeBuffer()) as ArrayBuffer);
}
