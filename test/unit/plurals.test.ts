// Russian and Ukrainian plurals go through i18next's plural rules (Intl.PluralRules): every
// counted message has its one / few / many / other forms, and the word agrees with the number.
import i18next from 'i18next';
import ru from '../../client/src/i18n/locales/ru';
import uk from '../../client/src/i18n/locales/uk';
import en from '../../client/src/i18n/locales/en';

type Tree = { [k: string]: string | Tree };

/** Every key path (a.b.c) of the messages ending in _one, without the suffix. */
function countedKeys(tree: Tree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) =>
    typeof v === 'string'
      ? k.endsWith('_one')
        ? [`${prefix}${k.slice(0, -4)}`]
        : []
      : countedKeys(v, `${prefix}${k}.`),
  );
}

function lookup(tree: Tree, path: string): string | Tree | undefined {
  return path.split('.').reduce<string | Tree | undefined>((t, k) => (typeof t === 'object' ? t[k] : undefined), tree);
}

describe('plural forms', () => {
  const keys = countedKeys(ru as unknown as Tree);

  it('there are counted messages (responses, respondents, sessions...)', () => {
    expect(keys).toEqual(expect.arrayContaining(['waves.responses', 'results.base']));
  });

  it.each([
    ['ru', ru],
    ['uk', uk],
  ] as const)('%s has the one, few, many and other forms of every counted message', (_lng, messages) => {
    for (const key of keys)
      for (const form of ['one', 'few', 'many', 'other'])
        expect([key, form, typeof lookup(messages as unknown as Tree, `${key}_${form}`)]).toEqual([
          key,
          form,
          'string',
        ]);
  });

  it('the word agrees with the number in ru and uk (1, 2, 5, 11, 21, 22, 25, 111)', async () => {
    const i18n = i18next.createInstance();
    await i18n.init({
      lng: 'ru',
      resources: { ru: { translation: ru }, uk: { translation: uk }, en: { translation: en } },
      interpolation: { escapeValue: false },
    });
    const say = (lng: string, count: number) => i18n.t('waves.responses', { lng, count, n: count });
    expect([1, 2, 5, 11, 21, 22, 25, 111].map((n) => say('ru', n))).toEqual([
      '1 ответ',
      '2 ответа',
      '5 ответов',
      '11 ответов',
      '21 ответ',
      '22 ответа',
      '25 ответов',
      '111 ответов',
    ]);
    expect([1, 3, 5, 21, 24, 111].map((n) => say('uk', n))).toEqual([
      '1 відповідь',
      '3 відповіді',
      '5 відповідей',
      '21 відповідь',
      '24 відповіді',
      '111 відповідей',
    ]);
    expect([1, 2].map((n) => say('en', n))).toEqual(['1 response', '2 responses']);
  });
});
