// Builds the default questionnaire surveys/imc-barriers/v1.json from the reference directories
// (regions, municipality types, size classes, respondent roles, obstacles), so that no list is
// typed twice.
//
//   npx tsx scripts/authoring/build-imc-barriers.ts           write the file
//   npx tsx scripts/authoring/build-imc-barriers.ts --check   exit 1 if the file is out of date
//
// A published version never changes: once v1 is used by a wave, build a v2 instead of editing v1.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';

type Localized = { ru: string; en: string; uk: string };
type Region = { code: string; country: string; names: Localized };
type Coded = { code: string; country?: string; names: Localized };
type SizeClass = { code: string; min: number; max: number | null; names: Localized };
type Obstacle = { code: string; labels: Localized };
type Choice = { value: string | number; text: Localized; visibleIf?: string };

const ROOT = path.resolve(__dirname, '..', '..');
const DATA = path.join(ROOT, 'server', 'src', 'reference', 'data');
export const OUTPUT = path.join(ROOT, 'surveys', 'imc-barriers', 'v1.json');

function readData<T>(file: string): T {
  return JSON.parse(readFileSync(path.join(DATA, file), 'utf8')) as T;
}

const L = (ru: string, en: string, uk: string): Localized => ({ ru, en, uk });

const countryIs = (country: string): string => `{country} = '${country}'`;

// --- Size classes: "Small (under 50,000 residents)" ---------------------------------------

function sizeRange(min: number, max: number | null): Localized {
  const upper = max === null ? null : max + 1;
  const ruUnit = (n: number) => (n >= 1_000_000 ? `${n / 1_000_000} млн` : `${n / 1000} тыс.`);
  const ukUnit = (n: number) => (n >= 1_000_000 ? `${n / 1_000_000} млн` : `${n / 1000} тис.`);
  const bare = (n: number) => String(n >= 1_000_000 ? n / 1_000_000 : n / 1000);
  const sameUnit = (a: number, b: number) => a >= 1_000_000 === b >= 1_000_000;
  const en = (n: number) => n.toLocaleString('en-US');
  if (min <= 0 && upper !== null) {
    return L(`до ${ruUnit(upper)} жителей`, `under ${en(upper)} residents`, `до ${ukUnit(upper)} мешканців`);
  }
  if (upper === null) {
    return L(`свыше ${ruUnit(min)} жителей`, `over ${en(min)} residents`, `понад ${ukUnit(min)} мешканців`);
  }
  const ruFrom = sameUnit(min, upper) ? bare(min) : ruUnit(min);
  const ukFrom = sameUnit(min, upper) ? bare(min) : ukUnit(min);
  return L(
    `от ${ruFrom} до ${ruUnit(upper)} жителей`,
    `${en(min)}–${en(upper)} residents`,
    `від ${ukFrom} до ${ukUnit(upper)} мешканців`,
  );
}

function sizeClassChoice(s: SizeClass): Choice {
  const range = sizeRange(s.min, s.max);
  return {
    value: s.code,
    text: L(`${s.names.ru} (${range.ru})`, `${s.names.en} (${range.en})`, `${s.names.uk} (${range.uk})`),
  };
}

// --- Regions: Russian regions in Russian alphabetical order, Ukrainian ones in Ukrainian order.
// survey-core's choicesOrder compares code points (Є, І, Ї would sort before А), so the order is
// fixed here instead, in the language most respondents of each country read.

function regionChoices(regions: Region[]): Choice[] {
  const byName = (locale: 'ru' | 'uk') => {
    const collator = new Intl.Collator(locale);
    return (a: Region, b: Region) => collator.compare(a.names[locale], b.names[locale]);
  };
  const ru = regions.filter((r) => r.country === 'RU').sort(byName('ru'));
  const ua = regions.filter((r) => r.country === 'UA').sort(byName('uk'));
  const other = regions.filter((r) => r.country !== 'RU' && r.country !== 'UA');
  if (other.length) throw new Error(`regions of unsupported countries: ${other.map((r) => r.code).join(', ')}`);
  return [...ru, ...ua].map((r) => ({ value: r.code, text: r.names, visibleIf: countryIs(r.country) }));
}

// --- Fixed lists of this questionnaire (not reference directories) ---------------------------

const COUNTRIES: Choice[] = [
  { value: 'RU', text: L('Россия', 'Russia', 'Росія') },
  { value: 'UA', text: L('Украина', 'Ukraine', 'Україна') },
];

const EXPERIENCE: Choice[] = [
  {
    value: 'yes_ongoing',
    text: L('Да, участвует в настоящее время', 'Yes, it is currently taking part', 'Так, бере участь і зараз'),
  },
  {
    value: 'yes_past',
    text: L(
      'Да, участвовало, но в настоящее время не участвует',
      'Yes, but it is not currently taking part',
      'Так, брала участь, але зараз не бере',
    ),
  },
  {
    value: 'planned',
    text: L('Нет, но участие планируется', 'No, but it plans to take part', 'Ні, але участь планується'),
  },
  {
    value: 'no',
    text: L('Нет, и участие не планируется', 'No, and it has no plans to take part', 'Ні, і участь не планується'),
  },
];

const FORMS: Choice[] = [
  {
    value: 'council_association',
    text: L(
      'Участие в совете или ассоциации муниципальных образований',
      'Membership of a council or association of municipalities',
      'Участь у раді чи асоціації органів місцевого самоврядування',
    ),
  },
  {
    value: 'joint_project_agreement',
    text: L(
      'Соглашение о реализации совместного проекта',
      'Agreement on a joint project',
      'Договір про реалізацію спільного проєкту',
    ),
  },
  {
    value: 'powers_transfer',
    text: L(
      'Соглашение о передаче (делегировании) полномочий',
      'Agreement transferring (delegating) powers',
      'Договір про делегування повноважень (виконання завдань)',
    ),
  },
  {
    value: 'joint_organisation',
    text: L(
      'Совместное предприятие или некоммерческая организация',
      'Joint company or non-profit organisation',
      'Спільне комунальне підприємство або неприбуткова організація',
    ),
  },
  {
    value: 'agglomeration_council',
    text: L(
      'Координационный совет агломерации',
      'Agglomeration coordination council',
      'Координаційна рада агломерації',
    ),
  },
  {
    value: 'concession_ppp',
    text: L(
      'Концессия или государственно-частное (муниципально-частное) партнёрство с участием нескольких муниципальных образований',
      'Concession or public–private partnership involving several municipalities',
      'Концесія або державно-приватне партнерство за участі кількох громад',
    ),
  },
  {
    value: 'international',
    text: L(
      'Международное сотрудничество (побратимство, партнёрство с зарубежными муниципалитетами, приграничные программы)',
      'International cooperation (twinning, partnership with municipalities abroad, cross-border programmes)',
      'Міжнародне співробітництво (побратимство, партнерство із зарубіжними громадами, транскордонні програми)',
    ),
  },
];

const FIELDS: Choice[] = [
  { value: 'waste', text: L('Обращение с отходами', 'Waste management', 'Поводження з відходами') },
  {
    value: 'water_utilities',
    text: L(
      'Водоснабжение, водоотведение, коммунальная инфраструктура',
      'Water supply, sanitation and utilities',
      'Водопостачання, водовідведення, комунальна інфраструктура',
    ),
  },
  { value: 'transport_roads', text: L('Транспорт и дороги', 'Transport and roads', 'Транспорт і дороги') },
  { value: 'tourism', text: L('Туризм', 'Tourism', 'Туризм') },
  { value: 'education', text: L('Образование', 'Education', 'Освіта') },
  {
    value: 'healthcare_social',
    text: L(
      'Здравоохранение и социальная защита',
      'Health care and social services',
      'Охорона здоров’я та соціальний захист',
    ),
  },
  { value: 'culture_sport', text: L('Культура и спорт', 'Culture and sport', 'Культура і спорт') },
  { value: 'agriculture', text: L('Сельское хозяйство', 'Agriculture', 'Сільське господарство') },
  {
    value: 'land_housing',
    text: L(
      'Земельные отношения и жилищное строительство',
      'Land and housing',
      'Земельні відносини та житлове будівництво',
    ),
  },
  {
    value: 'economic_development',
    text: L(
      'Экономическое развитие и поддержка предпринимательства',
      'Economic development and business support',
      'Економічний розвиток і підтримка підприємництва',
    ),
  },
  {
    value: 'digital_services',
    text: L(
      'Цифровые сервисы и информационные системы',
      'Digital services and information systems',
      'Цифрові сервіси та інформаційні системи',
    ),
  },
  {
    value: 'spatial_planning',
    text: L(
      'Территориальное и стратегическое планирование',
      'Spatial and strategic planning',
      'Просторове та стратегічне планування',
    ),
  },
  {
    value: 'emergency_security',
    text: L(
      'Защита от чрезвычайных ситуаций и общественная безопасность',
      'Emergency protection and public safety',
      'Цивільний захист і громадська безпека',
    ),
  },
];

const MEASURES: Choice[] = [
  {
    value: 'cofinancing',
    text: L(
      'Софинансирование из регионального или государственного бюджета (в том числе выравнивающие субсидии, а не только конкурсные гранты)',
      'Co-financing from the regional or state budget (including equalising subsidies, not only competitive grants)',
      'Співфінансування з регіонального або державного бюджету (зокрема вирівнювальні субсидії, а не лише конкурсні гранти)',
    ),
  },
  {
    value: 'methodological_support',
    text: L(
      'Методическая поддержка, типовые правовые акты',
      'Methodological support and model legal acts',
      'Методична підтримка, типові нормативно-правові акти',
    ),
  },
  {
    value: 'knowledge_base',
    text: L(
      'База знаний об успешных практиках',
      'A knowledge base of successful practices',
      'База знань про успішні практики',
    ),
  },
  {
    value: 'staff_training',
    text: L(
      'Обучение муниципальных служащих управлению проектами',
      'Training of municipal staff in project management',
      'Навчання посадових осіб місцевого самоврядування з управління проєктами',
    ),
  },
  {
    value: 'coordination_body',
    text: L(
      'Постоянный орган координации или агентство-посредник',
      'A permanent coordination body or intermediary agency',
      'Постійний координаційний орган або агенція-посередник',
    ),
  },
  {
    value: 'ppp_concessions',
    text: L(
      'Государственно-частное (муниципально-частное) партнёрство и концессии',
      'Public–private partnership and concessions',
      'Державно-приватне партнерство та концесії',
    ),
  },
  {
    value: 'crowdfunding',
    text: L('Краудфандинг местных инициатив', 'Crowdfunding for local initiatives', 'Краудфандинг місцевих ініціатив'),
  },
  {
    value: 'digital_platforms',
    text: L(
      'Цифровые платформы для совместной работы',
      'Digital platforms for joint work',
      'Цифрові платформи для спільної роботи',
    ),
  },
];

const SEVERITY: Choice[] = [
  { value: 1, text: L('1 — незначительное', '1 — minor', '1 — незначна') },
  { value: 2, text: L('2 — умеренное', '2 — moderate', '2 — помірна') },
  { value: 3, text: L('3 — существенное', '3 — significant', '3 — суттєва') },
  { value: 4, text: L('4 — серьёзное', '4 — serious', '4 — серйозна') },
  { value: 5, text: L('5 — критическое', '5 — critical', '5 — критична') },
];

const OTHER_SEVERITY_ROW = L(
  'Другое препятствие (указанное вами выше)',
  'Other obstacle (as you specified above)',
  'Інша перешкода (зазначена вами вище)',
);

const HAS_IMC = "{imc_experience} anyof ['yes_ongoing', 'yes_past']";
const SELECT_ALL = L(
  'Отметьте все подходящие варианты.',
  'Select all that apply.',
  'Позначте всі варіанти, що підходять.',
);
const OTHER_SPECIFY = L('Другое (укажите)', 'Other (please specify)', 'Інше (зазначте)');

export function buildImcBarriers(): Record<string, unknown> {
  const regions = readData<Region[]>('regions.json');
  const municipalityTypes = readData<Coded[]>('municipality-types.json');
  const sizeClasses = readData<SizeClass[]>('size-classes.json');
  const roles = readData<Coded[]>('respondent-roles.json');
  const obstacles = readData<Obstacle[]>('obstacles.json');

  const other = obstacles.find((o) => o.code === 'other');
  if (!other) throw new Error('obstacles.json has no "other" entry');
  const listedObstacles = obstacles.filter((o) => o.code !== 'other');

  return {
    title: L(
      'Межмуниципальное сотрудничество: опыт и препятствия',
      'Inter-municipal cooperation: experience and obstacles',
      'Міжмуніципальне співробітництво: досвід і перешкоди',
    ),
    description: L(
      'Опрос глав муниципальных образований проводится в рамках мониторинга проблем местного самоуправления. ' +
        'Под межмуниципальным сотрудничеством понимается совместная деятельность двух или более муниципальных образований: ' +
        'совместные проекты, соглашения, общие организации, участие в советах и ассоциациях. ' +
        'Результаты публикуются только в обобщённом виде. Заполнение займёт около 10 минут; ' +
        'вы можете прервать заполнение и вернуться к анкете по той же ссылке.',
      'This survey of municipal heads is part of the monitoring of local self-government. ' +
        'Inter-municipal cooperation means two or more municipalities working together: ' +
        'joint projects, agreements, shared organisations, membership of councils and associations. ' +
        'Results are published only in aggregate form. The questionnaire takes about 10 minutes; ' +
        'you can stop at any point and return to it using the same link.',
      'Опитування голів громад проводиться в межах моніторингу проблем місцевого самоврядування. ' +
        'Під міжмуніципальним співробітництвом розуміється спільна діяльність двох або більше громад (муніципальних утворень): ' +
        'спільні проєкти, договори, спільні організації, участь у радах та асоціаціях. ' +
        'Результати оприлюднюються лише в узагальненому вигляді. Заповнення триватиме близько 10 хвилин; ' +
        'ви можете перервати заповнення й повернутися до анкети за тим самим посиланням.',
    ),
    showQuestionNumbers: 'on',
    checkErrorsMode: 'onValueChanged',
    pages: [
      {
        name: 'profile',
        title: L('О муниципальном образовании и о вас', 'About your municipality and you', 'Про громаду та про вас'),
        elements: [
          {
            type: 'radiogroup',
            name: 'country',
            title: L('Страна', 'Country', 'Країна'),
            isRequired: true,
            colCount: 0,
            choices: COUNTRIES,
          },
          {
            type: 'dropdown',
            name: 'region',
            lsgRole: 'region',
            title: L('Регион', 'Region', 'Регіон'),
            description: L(
              'Субъект Российской Федерации; для Украины — область, Автономная Республика Крым или город со специальным статусом.',
              'A constituent entity of the Russian Federation; for Ukraine, an oblast, the Autonomous Republic of Crimea or a city with special status.',
              'Суб’єкт Російської Федерації; для України — область, Автономна Республіка Крим або місто зі спеціальним статусом.',
            ),
            visibleIf: '{country} notempty',
            isRequired: true,
            choices: regionChoices(regions),
          },
          {
            type: 'text',
            name: 'municipality',
            lsgRole: 'municipality',
            title: L('Наименование муниципального образования', 'Name of your municipality', 'Назва громади'),
            isRequired: true,
            maxLength: 200,
          },
          {
            type: 'dropdown',
            name: 'municipality_type',
            lsgRole: 'municipalityType',
            title: L(
              'Тип муниципального образования',
              'Type of municipality',
              'Тип громади (муніципального утворення)',
            ),
            visibleIf: '{country} notempty',
            isRequired: true,
            choices: municipalityTypes.map((t) => ({
              value: t.code,
              text: t.names,
              ...(t.country ? { visibleIf: countryIs(t.country) } : {}),
            })),
          },
          {
            type: 'text',
            name: 'population',
            title: L(
              'Численность постоянного населения муниципального образования, человек',
              'Resident population of your municipality (number of people)',
              'Чисельність постійного населення громади, осіб',
            ),
            description: L(
              'Если точное значение неизвестно, укажите приблизительное или оставьте поле пустым.',
              'If you do not know the exact figure, give an estimate or leave the field empty.',
              'Якщо точне значення невідоме, зазначте приблизне або залиште поле порожнім.',
            ),
            inputType: 'number',
            min: 1,
            max: 20000000,
          },
          {
            type: 'radiogroup',
            name: 'size_class',
            lsgRole: 'sizeClass',
            title: L(
              'К какой группе по численности населения относится ваше муниципальное образование?',
              'Which population size group does your municipality belong to?',
              'До якої групи за чисельністю населення належить ваша громада?',
            ),
            isRequired: true,
            choices: sizeClasses.map(sizeClassChoice),
          },
          {
            type: 'radiogroup',
            name: 'role',
            lsgRole: 'respondentRole',
            title: L('Кто заполняет анкету?', 'Who is completing this questionnaire?', 'Хто заповнює анкету?'),
            isRequired: true,
            showOtherItem: false,
            choices: roles.map((r) => ({ value: r.code, text: r.names })),
          },
        ],
      },
      {
        name: 'experience',
        title: L(
          'Опыт межмуниципального сотрудничества',
          'Experience of inter-municipal cooperation',
          'Досвід міжмуніципального співробітництва',
        ),
        elements: [
          {
            type: 'radiogroup',
            name: 'imc_experience',
            title: L(
              'Участвовало ли ваше муниципальное образование в межмуниципальном сотрудничестве в последние три года?',
              'Has your municipality taken part in inter-municipal cooperation in the last three years?',
              'Чи брала ваша громада участь у міжмуніципальному співробітництві (співробітництві територіальних громад) протягом останніх трьох років?',
            ),
            isRequired: true,
            choices: EXPERIENCE,
          },
          {
            type: 'checkbox',
            name: 'imc_forms',
            title: L(
              'В каких формах осуществлялось это сотрудничество?',
              'In what forms has this cooperation taken place?',
              'У яких формах здійснювалося це співробітництво?',
            ),
            description: SELECT_ALL,
            visibleIf: HAS_IMC,
            choices: FORMS,
            showOtherItem: true,
            otherText: OTHER_SPECIFY,
          },
          {
            type: 'checkbox',
            name: 'imc_fields',
            title: L(
              'В каких сферах осуществлялось это сотрудничество?',
              'In which fields has this cooperation taken place?',
              'У яких сферах здійснювалося це співробітництво?',
            ),
            description: SELECT_ALL,
            visibleIf: HAS_IMC,
            choices: FIELDS,
            showOtherItem: true,
            otherText: OTHER_SPECIFY,
          },
        ],
      },
      {
        name: 'obstacles',
        title: L(
          'Факторы, затрудняющие сотрудничество',
          'Factors that make cooperation difficult',
          'Чинники, що ускладнюють співробітництво',
        ),
        elements: [
          {
            type: 'checkbox',
            name: 'obstacles',
            lsgRole: 'obstacles',
            title: L(
              'Какие из перечисленных факторов, если таковые имеются, затрудняют межмуниципальное сотрудничество для вашего муниципального образования? Отметьте все подходящие варианты.',
              'Which of the following, if any, make inter-municipal cooperation difficult for your municipality? Select all that apply.',
              'Які з наведених чинників, якщо такі є, ускладнюють міжмуніципальне співробітництво для вашої громади? Позначте всі варіанти, що підходять.',
            ),
            isRequired: true,
            choices: listedObstacles.map((o) => ({ value: o.code, text: o.labels })),
            showOtherItem: true,
            otherText: other.labels,
            // An exclusive "no obstacles" answer keeps the base honest: without it, a municipality
            // that meets no obstacle would have to pick one or skip the question.
            showNoneItem: true,
            noneText: L('Существенных препятствий нет', 'No significant obstacles', 'Суттєвих перешкод немає'),
          },
          {
            type: 'matrix',
            name: 'obstacle_severity',
            lsgRole: 'obstacleSeverity',
            title: L(
              'Насколько существенно для вашего муниципального образования каждое из отмеченных препятствий?',
              'How significant is each of the obstacles you selected for your municipality?',
              'Наскільки суттєвою для вашої громади є кожна з позначених перешкод?',
            ),
            description: L(
              'Оцените по шкале от 1 (незначительное) до 5 (критическое).',
              'Rate each on a scale from 1 (minor) to 5 (critical).',
              'Оцініть за шкалою від 1 (незначна) до 5 (критична).',
            ),
            visibleIf: "{obstacles} notempty and {obstacles} notcontains 'none'",
            rowsVisibleIf: '{obstacles} contains {item}',
            eachRowRequired: false,
            columns: SEVERITY,
            rows: [
              ...listedObstacles.map((o) => ({ value: o.code, text: o.labels })),
              { value: other.code, text: OTHER_SEVERITY_ROW },
            ],
          },
        ],
      },
      {
        name: 'help',
        title: L('Меры поддержки', 'Support measures', 'Заходи підтримки'),
        elements: [
          {
            type: 'checkbox',
            name: 'measures',
            title: L(
              'Какие из перечисленных мер, на ваш взгляд, способствовали бы развитию межмуниципального сотрудничества с участием вашего муниципального образования?',
              'Which of the following measures, in your view, would support inter-municipal cooperation involving your municipality?',
              'Які з наведених заходів, на вашу думку, сприяли б розвитку міжмуніципального співробітництва за участі вашої громади?',
            ),
            description: SELECT_ALL,
            choices: MEASURES,
            showOtherItem: true,
            otherText: OTHER_SPECIFY,
          },
          {
            type: 'comment',
            name: 'comment',
            title: L(
              'Что ещё вы хотели бы добавить?',
              'Anything else you would like to add?',
              'Що ще ви хотіли б додати?',
            ),
            maxLength: 2000,
          },
        ],
      },
    ],
    completeText: L('Отправить ответы', 'Submit answers', 'Надіслати відповіді'),
    completedHtml: L(
      '<h3>Благодарим вас за участие в опросе!</h3><p>Ваши ответы получены. Обобщённые результаты будут опубликованы после завершения опроса.</p>',
      '<h3>Thank you for taking part in the survey!</h3><p>Your answers have been received. Aggregate results will be published once the survey has closed.</p>',
      '<h3>Дякуємо вам за участь в опитуванні!</h3><p>Ваші відповіді отримано. Узагальнені результати буде оприлюднено після завершення опитування.</p>',
    ),
  };
}

/** The questionnaire as the file holds it: JSON with 2-space indentation, formatted like the rest of the repo. */
export async function renderImcBarriers(): Promise<string> {
  const json = JSON.stringify(buildImcBarriers(), null, 2) + '\n';
  let prettier: typeof import('prettier');
  try {
    prettier = await import('prettier');
  } catch {
    return json; // prettier not installed: plain JSON.stringify output
  }
  const options = (await prettier.resolveConfig(OUTPUT)) ?? {};
  return prettier.format(json, { ...options, filepath: OUTPUT, parser: 'json' });
}

async function main(): Promise<void> {
  const text = await renderImcBarriers();
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(OUTPUT, 'utf8');
    } catch {
      // missing file: out of date
    }
    if (current !== text) {
      console.error(
        `${path.relative(ROOT, OUTPUT)} is out of date: run npx tsx scripts/authoring/build-imc-barriers.ts`,
      );
      process.exit(1);
    }
    console.log(`${path.relative(ROOT, OUTPUT)} is up to date`);
    return;
  }
  mkdirSync(path.dirname(OUTPUT), { recursive: true });
  writeFileSync(OUTPUT, text);
  console.log(`wrote ${path.relative(ROOT, OUTPUT)}`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
