// The base line under every table: the word agrees with the number (CLDR plural rules, as
// i18next applies them on the client) and nothing after a semicolon starts with a capital.
import { describeFilters, respondentsWord } from '../../server/src/analytics/filters';
import { baseOf } from '../../server/src/analytics/tally.service';

describe('base line wording', () => {
  it.each([
    [1, 'респондент', 'респондент', 'respondent'],
    [3, 'респондента', 'респонденти', 'respondents'],
    [8, 'респондентов', 'респондентів', 'respondents'],
    [21, 'респондент', 'респондент', 'respondents'],
    [302, 'респондента', 'респонденти', 'respondents'],
    [311, 'респондентов', 'респондентів', 'respondents'],
  ])('%i → %s / %s / %s', (n, ru, uk, en) => {
    expect(respondentsWord(n)).toEqual({ ru, uk, en });
  });

  it('"База: 302 респондента, …; учтены: …" with no capital after a semicolon, in every language', () => {
    const base = baseOf(302, 290, { status: 'complete', region: ['RU-VLG'] }, true, { protect: false, minCell: 0 });
    expect(base.text.ru).toMatch(
      /^База: 302 респондента, из них ответили на вопрос 290; учтены: заполненные анкеты; регион: /,
    );
    for (const l of ['ru', 'en', 'uk'] as const) expect(base.text[l]).not.toMatch(/; \p{Lu}/u);
    expect(describeFilters({ status: 'complete' }).en).toBe('counted: completed responses');
  });
});
