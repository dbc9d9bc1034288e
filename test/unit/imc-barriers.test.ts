// The default questionnaire (surveys/imc-barriers/v1.json) and the reference directories it is
// built from (server/src/reference/data/*.json).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Model, Serializer } from 'survey-core';
import type { ItemValue, Question, QuestionMatrixModel } from 'survey-core';
import { buildImcBarriers } from '../../scripts/authoring/build-imc-barriers';

if (!Serializer.findProperty('question', 'lsgRole')) {
  Serializer.addProperty('question', { name: 'lsgRole', visible: false });
}

type Localized = { ru: string; en: string; uk: string };
type Region = { code: string; country: string; okato?: string; district?: string; kind: string; names: Localized };
type Coded = { code: string; country?: string; names: Localized };
type SizeClass = { code: string; min: number; max: number | null; names: Localized };
type Obstacle = { code: string; labels: Localized };

const ROOT = path.resolve(__dirname, '..', '..');
const readJson = <T>(...parts: string[]): T => JSON.parse(readFileSync(path.join(ROOT, ...parts), 'utf8')) as T;
const data = <T>(file: string): T => readJson<T>('server', 'src', 'reference', 'data', file);

const definition = readJson<Record<string, unknown>>('surveys', 'imc-barriers', 'v1.json');
const regions = data<Region[]>('regions.json');
const districts = data<Coded[]>('federal-districts.json');
const municipalityTypes = data<Coded[]>('municipality-types.json');
const sizeClasses = data<SizeClass[]>('size-classes.json');
const obstacles = data<Obstacle[]>('obstacles.json');
const roles = data<Coded[]>('respondent-roles.json');

const LOCALES = ['ru', 'en', 'uk'] as const;

function isLocalized(value: unknown): value is Localized {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value).sort();
  if (keys.join(',') !== 'en,ru,uk') return false;
  return LOCALES.every((l) => {
    const text = (value as Record<string, unknown>)[l];
    return typeof text === 'string' && text.trim().length > 0;
  });
}

const model = () => new Model(definition);
const questionsOf = (m: Model) => m.getAllQuestions(false, false, true) as Question[];
const choiceValues = (items: ItemValue[]) => items.map((c) => c.value as unknown);
const choicesOf = (q: Question) => (q as unknown as { choices: ItemValue[] }).choices;
const visibleChoicesOf = (q: Question) => (q as unknown as { visibleChoices: ItemValue[] }).visibleChoices;
const lsgRoleOf = (q: Question) => (q as unknown as { lsgRole?: string }).lsgRole;

describe('surveys/imc-barriers/v1.json', () => {
  it('is what the generator builds from the reference data (run scripts/authoring/build-imc-barriers.ts)', () => {
    expect(definition).toEqual(buildImcBarriers());
  });

  it('loads in survey-core without JSON errors', () => {
    const m = model();
    expect(m.jsonErrors ?? []).toEqual([]);
    expect(m.pages.map((p) => p.name)).toEqual(['profile', 'experience', 'obstacles', 'help']);
    expect(m.checkErrorsMode).toBe('onValueChanged');
    expect(m.showQuestionNumbers).toBe('on');
  });

  it('names every question uniquely with a name that can be stored as a key', () => {
    const names = questionsOf(model()).map((q) => q.getValueName());
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) {
      expect(name).not.toContain('.');
      expect(name.startsWith('$')).toBe(false);
      expect(name).toMatch(/^[a-z][a-z0-9_]*$/);
    }
  });

  it('has the questions and lsgRole marks the server relies on', () => {
    const m = model();
    const roleOf = Object.fromEntries(questionsOf(m).map((q) => [q.name, [q.getType(), lsgRoleOf(q) ?? null]]));
    expect(roleOf).toEqual({
      country: ['radiogroup', null],
      region: ['dropdown', 'region'],
      municipality: ['text', 'municipality'],
      municipality_type: ['dropdown', 'municipalityType'],
      population: ['text', null],
      size_class: ['radiogroup', 'sizeClass'],
      role: ['radiogroup', 'respondentRole'],
      imc_experience: ['radiogroup', null],
      imc_forms: ['checkbox', null],
      imc_fields: ['checkbox', null],
      obstacles: ['checkbox', 'obstacles'],
      obstacle_severity: ['matrix', 'obstacleSeverity'],
      measures: ['checkbox', null],
      comment: ['comment', null],
    });
    const required = questionsOf(m)
      .filter((q) => q.isRequired)
      .map((q) => q.name);
    expect(required.sort()).toEqual(
      [
        'country',
        'region',
        'municipality',
        'municipality_type',
        'size_class',
        'role',
        'imc_experience',
        'obstacles',
      ].sort(),
    );
  });

  it('offers every obstacle code except "other" as a choice, and "other" through the other item', () => {
    const q = model().getQuestionByName('obstacles') as Question & Record<string, unknown>;
    expect(choiceValues(choicesOf(q))).toEqual(obstacles.map((o) => o.code).filter((c) => c !== 'other'));
    expect(q.showOtherItem).toBe(true);
    expect(q.showNoneItem).toBe(true); // the exclusive "no significant obstacles" answer
    expect((definition.pages as { elements: Record<string, unknown>[] }[])[2].elements[0].otherText).toEqual(
      obstacles.find((o) => o.code === 'other')?.labels,
    );
  });

  it('rates the severity of exactly the obstacles selected', () => {
    const m = model();
    const q = m.getQuestionByName('obstacle_severity') as QuestionMatrixModel;
    expect(q.rows.map((r) => r.value)).toEqual(obstacles.map((o) => o.code));
    expect(q.columns.map((c) => c.value)).toEqual([1, 2, 3, 4, 5]);
    expect(q.isVisible).toBe(false);
    m.setValue('obstacles', ['funding', 'other']);
    m.setValue('obstacles-Comment', 'weather');
    expect(q.isVisible).toBe(true);
    expect(q.visibleRows.map((r) => r.name)).toEqual(['funding', 'other']);
  });

  it('lists every region of the directory as a choice of region', () => {
    const q = model().getQuestionByName('region');
    expect(new Set(choiceValues(choicesOf(q)))).toEqual(new Set(regions.map((r) => r.code)));
    expect(choicesOf(q)).toHaveLength(regions.length);
  });

  it('lists the reference codes for municipality type, size class and respondent role', () => {
    const m = model();
    expect(choiceValues(choicesOf(m.getQuestionByName('municipality_type')))).toEqual(
      municipalityTypes.map((t) => t.code),
    );
    expect(choiceValues(choicesOf(m.getQuestionByName('size_class')))).toEqual(sizeClasses.map((s) => s.code));
    expect(choiceValues(choicesOf(m.getQuestionByName('role')))).toEqual(roles.map((r) => r.code));
  });

  it.each([
    ['UA', 27],
    ['RU', 83],
  ])('shows only the regions and municipality types of %s once the country is chosen', (country, count) => {
    const m = model();
    m.setValue('country', country);
    const region = m.getQuestionByName('region');
    const shown = choiceValues(visibleChoicesOf(region));
    expect(shown).toHaveLength(count);
    expect(shown.every((code) => String(code).startsWith(`${country}-`))).toBe(true);
    const types = choiceValues(visibleChoicesOf(m.getQuestionByName('municipality_type')));
    expect(types).toEqual(municipalityTypes.filter((t) => t.country === country).map((t) => t.code));
  });

  it('clears a region of the other country when the country changes', () => {
    const m = model();
    m.setValue('country', 'RU');
    m.setValue('region', 'RU-MOS');
    m.setValue('country', 'UA');
    expect(choiceValues(visibleChoicesOf(m.getQuestionByName('region')))).not.toContain('RU-MOS');
    expect(m.getValue('region')).toBeUndefined();
  });

  it('asks about forms and fields of cooperation only of municipalities with experience of it', () => {
    const m = model();
    const forms = m.getQuestionByName('imc_forms');
    const fields = m.getQuestionByName('imc_fields');
    for (const [answer, visible] of [
      ['yes_ongoing', true],
      ['yes_past', true],
      ['planned', false],
      ['no', false],
    ] as const) {
      m.setValue('imc_experience', answer);
      expect([forms.isVisible, fields.isVisible]).toEqual([visible, visible]);
    }
  });

  it('gives every localisable string in ru, en and uk', () => {
    const problems: string[] = [];
    const walk = (json: Record<string, unknown>, className: string, at: string) => {
      for (const [key, value] of Object.entries(json)) {
        if (key === 'type') continue;
        const prop = Serializer.findProperty(className, key);
        if (!prop) {
          problems.push(`${at}.${key}: unknown property of ${className}`);
          continue;
        }
        if (prop.isLocalizable) {
          if (!isLocalized(value)) problems.push(`${at}.${key}: ${JSON.stringify(value)}`);
        } else if (Array.isArray(value)) {
          value.forEach((item, i) => {
            if (typeof item !== 'object' || item === null) {
              problems.push(`${at}.${key}[${i}]: a bare value has no localised text`);
              return;
            }
            const record = item as Record<string, unknown>;
            const itemClass = typeof record.type === 'string' ? record.type : prop.className;
            if (!itemClass) problems.push(`${at}.${key}[${i}]: unknown class`);
            else walk(record, itemClass, `${at}.${key}[${i}]`);
          });
        }
      }
      // Items and questions must carry their own text, not fall back to the code.
      if ('value' in json && !('text' in json)) problems.push(`${at}: no text`);
      if ('name' in json && Serializer.isDescendantOf(className, 'question') && !('title' in json))
        problems.push(`${at}: no title`);
    };
    walk(definition, 'survey', '(survey)');
    for (const key of ['title', 'description', 'completedHtml']) {
      if (!isLocalized(definition[key])) problems.push(`(survey).${key}: missing`);
    }
    expect(problems).toEqual([]);

    // Belt and braces: any object shaped like a localised string has exactly ru, en and uk.
    const loose: string[] = [];
    const scan = (value: unknown, at: string) => {
      if (Array.isArray(value)) value.forEach((v, i) => scan(v, `${at}[${i}]`));
      else if (typeof value === 'object' && value !== null) {
        const keys = Object.keys(value);
        if (keys.some((k) => ['ru', 'en', 'uk', 'default'].includes(k)) && !isLocalized(value)) loose.push(at);
        for (const [k, v] of Object.entries(value)) scan(v, `${at}.${k}`);
      }
    };
    scan(definition, '(survey)');
    expect(loose).toEqual([]);
  });

  it('renders in each locale with the texts of that locale', () => {
    const m = model();
    for (const locale of LOCALES) {
      m.locale = locale;
      expect(m.title).toBe((definition.title as Localized)[locale]);
      const obstacle = choicesOf(m.getQuestionByName('obstacles'))[0];
      expect(obstacle.text).toBe(obstacles[0].labels[locale]);
    }
  });
});

describe('reference directories', () => {
  it('has 83 Russian and 27 Ukrainian regions with unique codes', () => {
    expect(regions.filter((r) => r.country === 'RU')).toHaveLength(83);
    expect(regions.filter((r) => r.country === 'UA')).toHaveLength(27);
    expect(regions).toHaveLength(110);
    expect(new Set(regions.map((r) => r.code)).size).toBe(regions.length);
  });

  const districtCodes = new Set(districts.map((d) => d.code));
  const kinds = [
    'oblast',
    'republic',
    'krai',
    'autonomous_okrug',
    'autonomous_oblast',
    'federal_city',
    'autonomous_republic',
    'city',
  ];

  it.each(regions.map((r) => [r.code, r] as const))('region %s is well formed', (code, r) => {
    expect(isLocalized(r.names)).toBe(true);
    expect(kinds).toContain(r.kind);
    if (r.country === 'RU') {
      expect(code).toMatch(/^RU-[A-Z]{2,3}$/);
      expect(r.okato).toMatch(/^\d{2}(\d{3})?$/);
      expect(districtCodes.has(r.district ?? '')).toBe(true);
    } else {
      expect(r.country).toBe('UA');
      expect(code).toMatch(/^UA-\d{2}$/);
      expect(r.okato).toBeUndefined();
      expect(r.district).toBeUndefined();
    }
  });

  it('has unique names per language within each country', () => {
    for (const country of ['RU', 'UA']) {
      for (const l of LOCALES) {
        const names = regions.filter((r) => r.country === country).map((r) => r.names[l]);
        expect(new Set(names).size).toBe(names.length);
      }
    }
  });

  it('has the eight federal districts, each used by some region', () => {
    expect(districts.map((d) => d.code)).toEqual([
      'central',
      'northwestern',
      'southern',
      'north_caucasian',
      'volga',
      'ural',
      'siberian',
      'far_eastern',
    ]);
    for (const d of districts) {
      expect(isLocalized(d.names)).toBe(true);
      expect(regions.some((r) => r.district === d.code)).toBe(true);
    }
  });

  it('has the municipality types of both countries', () => {
    expect(municipalityTypes.map((t) => `${t.country}:${t.code}`)).toEqual([
      'RU:urban_okrug',
      'RU:urban_okrug_divided',
      'RU:municipal_district',
      'RU:municipal_okrug',
      'RU:urban_settlement',
      'RU:rural_settlement',
      'RU:intracity_district',
      'RU:intracity_territory',
      'UA:hromada_urban',
      'UA:hromada_settlement',
      'UA:hromada_rural',
    ]);
    for (const t of municipalityTypes) expect(isLocalized(t.names)).toBe(true);
  });

  it('has contiguous size classes from 0 to open-ended', () => {
    expect(sizeClasses.map((s) => s.code)).toEqual(['small', 'medium', 'large', 'big', 'largest']);
    expect(sizeClasses[0].min).toBe(0);
    expect(sizeClasses[sizeClasses.length - 1].max).toBeNull();
    for (let i = 1; i < sizeClasses.length; i++) expect(sizeClasses[i].min).toBe((sizeClasses[i - 1].max ?? NaN) + 1);
    for (const s of sizeClasses) expect(isLocalized(s.names)).toBe(true);
  });

  it('has the fifteen obstacle codes in order, and the respondent roles', () => {
    expect(obstacles.map((o) => o.code)).toEqual([
      'funding',
      'experience',
      'legal',
      'staff',
      'capacity',
      'procedures',
      'coordination',
      'motivation',
      'conflict',
      'trust',
      'regional',
      'information',
      'digital',
      'security',
      'other',
    ]);
    for (const o of obstacles) expect(isLocalized(o.labels)).toBe(true);
    expect(roles.map((r) => r.code)).toEqual(['head', 'deputy_head', 'specialist', 'council_member', 'other']);
    for (const r of roles) expect(isLocalized(r.names)).toBe(true);
  });
});
