// Practices for tests: a valid body, and a CSV of practices.
export function practiceBody(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    language: 'ru',
    title: 'Межмуниципальный полигон твёрдых отходов',
    problem: 'Ни одно поселение не могло содержать полигон в одиночку.',
    actions: 'Три района заключили соглашение и создали общую организацию.',
    results: 'Затраты на вывоз отходов снизились на треть.',
    municipalities: ['Тотемский район', 'Нюксенский район'],
    municipalityCount: 2,
    country: 'RU',
    regions: ['RU-VLG'],
    municipalityTypes: ['municipal_district'],
    sizeClasses: ['small'],
    obstacles: ['funding', 'experience'],
    forms: ['joint_organisation'],
    fields: ['waste'],
    yearFrom: 2019,
    yearTo: null,
    source: 'Конкурс межмуниципальных практик, 2021',
    contact: '',
    attachments: [{ title: 'Соглашение', url: 'https://example.org/agreement.pdf' }],
    ...over,
  };
}

export const PRACTICES_CSV_HEAD =
  'title,language,country,regions,municipality_types,obstacles,fields,year_from,problem';

export function practicesCsv(rows: string[]): string {
  return [PRACTICES_CSV_HEAD, ...rows].join('\n') + '\n';
}
