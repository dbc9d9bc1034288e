// Builds surveys/lsg-problems/v1.json, the questionnaire of the standing monitor of local
// self-government problems, from the problem areas (server/src/reference/data/problem-areas.json)
// and the profile page of the barriers questionnaire (the same country, region, municipality,
// type, size and role questions, so both questionnaires break results down alike).
//
//   npx tsx scripts/authoring/build-lsg-problems.ts           write the file
//   npx tsx scripts/authoring/build-lsg-problems.ts --check   exit 1 if the file is out of date
//
// A published version never changes: once v1 is used by a wave, build a v2 instead of editing v1.
// Question names stay the same across versions: trends match questions by name.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { buildImcBarriers } from './build-imc-barriers';

type Localized = { ru: string; en: string; uk: string };
type Area = { code: string; labels: Localized };

const ROOT = path.resolve(__dirname, '..', '..');
export const OUTPUT = path.join(ROOT, 'surveys', 'lsg-problems', 'v1.json');
const L = (ru: string, en: string, uk: string): Localized => ({ ru, en, uk });

export function problemAreas(): Area[] {
  return JSON.parse(
    readFileSync(path.join(ROOT, 'server', 'src', 'reference', 'data', 'problem-areas.json'), 'utf8'),
  ) as Area[];
}

const ACUTENESS = [
  { value: 1, text: L('1 — не стоит', '1 — not acute', '1 — не стоїть') },
  { value: 2, text: L('2', '2', '2') },
  { value: 3, text: L('3', '3', '3') },
  { value: 4, text: L('4', '4', '4') },
  { value: 5, text: L('5 — очень остро', '5 — very acute', '5 — дуже гостро') },
  { value: 'na', text: L('Не относится к нам', 'Not relevant to us', 'Не стосується нас') },
];

const HELP = [
  { value: 'funding', text: L('Дополнительное финансирование', 'Additional funding', 'Додаткове фінансування') },
  {
    value: 'law',
    text: L('Изменения законодательства', 'Changes to the law', 'Зміни законодавства'),
  },
  {
    value: 'methods',
    text: L(
      'Методические рекомендации и типовые решения',
      'Guidance and model solutions',
      'Методичні рекомендації та типові рішення',
    ),
  },
  {
    value: 'training',
    text: L('Обучение кадров', 'Staff training', 'Навчання кадрів'),
  },
  {
    value: 'exchange',
    text: L(
      'Обмен опытом с другими муниципалитетами',
      'Exchange of experience with other municipalities',
      'Обмін досвідом з іншими громадами',
    ),
  },
  {
    value: 'regional_support',
    text: L(
      'Поддержка региональных органов власти',
      'Support from the regional authorities',
      'Підтримка регіональних органів влади',
    ),
  },
  {
    value: 'digital_tools',
    text: L('Цифровые сервисы и инструменты', 'Digital services and tools', 'Цифрові сервіси та інструменти'),
  },
];

export function buildLsgProblems(): Record<string, unknown> {
  const areas = problemAreas();
  const barriers = buildImcBarriers() as { pages: { name: string }[] };
  const profile = barriers.pages.find((p) => p.name === 'profile');
  if (!profile) throw new Error('the barriers questionnaire has no profile page');
  const areaItems = areas.map((a) => ({ value: a.code, text: a.labels }));
  return {
    title: L(
      'Мониторинг проблем местного самоуправления',
      'Monitoring the problems of local self-government',
      'Моніторинг проблем місцевого самоврядування',
    ),
    description: L(
      'Ежегодный опрос глав муниципальных образований о наиболее острых проблемах местного самоуправления. Одни и те же вопросы задаются каждый год, чтобы видеть изменения по регионам. Результаты публикуются только в обобщённом виде. Заполнение займёт около 10 минут; вы можете прервать заполнение и вернуться к анкете по той же ссылке.',
      'An annual survey of municipal heads on the most acute problems of local self-government. The same questions are asked every year to show changes by region. Results are published only in aggregate form. The questionnaire takes about 10 minutes; you can stop at any point and return to it using the same link.',
      'Щорічне опитування голів громад про найгостріші проблеми місцевого самоврядування. Ті самі питання ставляться щороку, щоб бачити зміни за регіонами. Результати оприлюднюються лише в узагальненому вигляді. Заповнення триватиме близько 10 хвилин; ви можете перервати заповнення й повернутися до анкети за тим самим посиланням.',
    ),
    showQuestionNumbers: 'on',
    checkErrorsMode: 'onValueChanged',
    pages: [
      profile,
      {
        name: 'acuteness',
        title: L('Острота проблем', 'How acute the problems are', 'Гострота проблем'),
        elements: [
          {
            type: 'matrix',
            name: 'severity',
            title: L(
              'Насколько остро для вашего муниципального образования стоит каждая из проблем?',
              'How acute is each of these problems for your municipality?',
              'Наскільки гостро для вашої громади стоїть кожна з проблем?',
            ),
            description: L(
              'Оцените по шкале от 1 (проблема не стоит) до 5 (стоит очень остро) или отметьте «Не относится к нам».',
              'Rate each from 1 (not acute) to 5 (very acute), or mark "Not relevant to us".',
              'Оцініть за шкалою від 1 (проблема не стоїть) до 5 (стоїть дуже гостро) або позначте «Не стосується нас».',
            ),
            eachRowRequired: false,
            columns: ACUTENESS,
            rows: areaItems,
          },
        ],
      },
      {
        name: 'priorities',
        title: L('Приоритеты', 'Priorities', 'Пріоритети'),
        elements: [
          {
            type: 'ranking',
            name: 'top_priorities',
            title: L(
              'Какие три проблемы наиболее насущны для вашего муниципального образования? Выберите три и расположите их по степени важности.',
              'Which three problems are the most pressing for your municipality? Choose three and rank them by importance.',
              'Які три проблеми найнагальніші для вашої громади? Оберіть три й розташуйте їх за ступенем важливості.',
            ),
            isRequired: true,
            selectToRankEnabled: true,
            maxSelectedChoices: 3,
            minSelectedChoices: 1,
            choices: areaItems,
          },
          {
            type: 'checkbox',
            name: 'help_needed',
            title: L(
              'Что в наибольшей степени помогло бы решить эти проблемы?',
              'What would help most to solve these problems?',
              'Що найбільше допомогло б розв’язати ці проблеми?',
            ),
            description: L(
              'Отметьте не более трёх вариантов.',
              'Select up to three.',
              'Позначте не більше трьох варіантів.',
            ),
            maxSelectedChoices: 3,
            choices: HELP,
            showOtherItem: true,
            otherText: L('Другое (укажите)', 'Other (please specify)', 'Інше (зазначте)'),
          },
        ],
      },
      {
        name: 'practice',
        title: L('Практики и комментарии', 'Practices and comments', 'Практики та коментарі'),
        elements: [
          {
            type: 'radiogroup',
            name: 'practice_offer',
            title: L(
              'Есть ли у вашего муниципального образования практика решения одной из этих проблем, которой вы готовы поделиться?',
              'Does your municipality have a practice in solving one of these problems that you would like to share?',
              'Чи має ваша громада практику розв’язання однієї з цих проблем, якою ви готові поділитися?',
            ),
            choices: [
              { value: 'yes', text: L('Да, есть практика', 'Yes, we have a practice to share', 'Так, є практика') },
              { value: 'no', text: L('Нет', 'No', 'Ні') },
            ],
          },
          {
            type: 'comment',
            name: 'practice_summary',
            title: L(
              'Кратко опишите практику (мы свяжемся с вами при сборе практик)',
              'Describe the practice briefly (we will contact you when practices are collected)',
              'Коротко опишіть практику (ми зв’яжемося з вами під час збору практик)',
            ),
            visibleIf: "{practice_offer} = 'yes'",
            maxLength: 2000,
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
      '<h3>Благодарим вас за участие в мониторинге!</h3><p>Ваши ответы получены. Обобщённые результаты будут опубликованы после завершения опроса.</p>',
      '<h3>Thank you for taking part in the monitor!</h3><p>Your answers have been received. Aggregate results will be published once the survey has closed.</p>',
      '<h3>Дякуємо вам за участь у моніторингу!</h3><p>Ваші відповіді отримано. Узагальнені результати буде оприлюднено після завершення опитування.</p>',
    ),
  };
}

export async function renderLsgProblems(): Promise<string> {
  const json = JSON.stringify(buildLsgProblems(), null, 2) + '\n';
  const prettier = await import('prettier');
  const options = (await prettier.resolveConfig(OUTPUT)) ?? {};
  return prettier.format(json, { ...options, filepath: OUTPUT, parser: 'json' });
}

async function main(): Promise<void> {
  const text = await renderLsgProblems();
  const rel = path.relative(ROOT, OUTPUT);
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(OUTPUT, 'utf8');
    } catch {
      // missing file: out of date
    }
    if (current !== text) {
      console.error(`${rel} is out of date: run npx tsx scripts/authoring/build-lsg-problems.ts`);
      process.exit(1);
    }
    console.log(`${rel} is up to date`);
    return;
  }
  mkdirSync(path.dirname(OUTPUT), { recursive: true });
  writeFileSync(OUTPUT, text);
  console.log(`wrote ${rel}`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
