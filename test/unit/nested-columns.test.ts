// Matrix cells, matrixdynamic rows and dynamic panels as raw-export columns: names, titles, value
// labels, the cap of maxPanelCount/maxRowCount, checkbox cells as 0/1, and SPSS-safe names when
// the path is long.
import { allColumns, answerColumns } from '../../server/src/exports/columns';
import { spssNames } from '../../server/src/exports/labelled';

const DEFINITION = {
  elements: [
    {
      type: 'matrixdropdown',
      name: 'grid',
      choices: [1, 2],
      rows: ['a', 'b'],
      columns: [{ name: 'level' }, { name: 'kinds', cellType: 'checkbox', choices: ['x', 'y'] }],
    },
    { type: 'matrixdynamic', name: 'rows', maxRowCount: 2, columns: [{ name: 'n', cellType: 'text' }] },
    {
      type: 'paneldynamic',
      name: 'p',
      templateElements: [{ type: 'radiogroup', name: 'r', title: 'R', choices: ['u', 'v'] }],
    },
    { type: 'text', name: 'after' },
  ],
};

describe('nested answers as columns', () => {
  it('one column per cell, in questionnaire order; as many dynamic rows as asked, at most maxRowCount', () => {
    const cols = answerColumns(DEFINITION, { rows: 5, p: 2 });
    expect(cols.map((c) => c.name)).toEqual([
      'grid__a__level',
      'grid__a__kinds_x',
      'grid__a__kinds_y',
      'grid__b__level',
      'grid__b__kinds_x',
      'grid__b__kinds_y',
      'rows__1__n',
      'rows__2__n',
      'p__1__r',
      'p__2__r',
      'after',
    ]);
    const col = (n: string) => cols.find((c) => c.name === n)!;
    // A cell without choices of its own offers the matrix's.
    expect(col('grid__b__level').labels?.map((l) => l.value)).toEqual([1, 2]);
    expect(col('grid__b__level').type).toBe('integer');
    expect(col('p__2__r').title.en).toBe('p (2): R');
    expect(col('p__2__r').question).toBe('p');
    const answers = {
      grid: { b: { level: 2, kinds: ['y'] } },
      rows: [{ n: 'one' }, { n: 'two' }, { n: 'three' }],
      p: [{ r: 'u' }, { r: 'v' }],
    };
    const value = (n: string) => col(n).value({ answers });
    expect([value('grid__a__level'), value('grid__b__level')]).toEqual(['', 2]);
    expect([value('grid__a__kinds_y'), value('grid__b__kinds_x'), value('grid__b__kinds_y')]).toEqual(['', 0, 1]);
    expect([value('rows__1__n'), value('rows__2__n')]).toEqual(['one', 'two']);
    expect([value('p__1__r'), value('p__2__r')]).toEqual(['u', 'v']);
    // No responses with rows or panels: no columns for them.
    expect(answerColumns(DEFINITION).map((c) => c.name)).not.toContain('p__1__r');
  });

  it('long paths and clashes still give unique SPSS names of at most 64 bytes', () => {
    const long = 'очень_длинное_имя_вопроса_'.repeat(3);
    const cols = allColumns(
      {
        elements: [
          {
            type: 'paneldynamic',
            name: long,
            templateElements: [
              { type: 'text', name: `${long}a` },
              { type: 'text', name: `${long}b` },
            ],
          },
          { type: 'text', name: `${long}__1__${long}a` },
        ],
      },
      { [long]: 1 },
    );
    const names = cols.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    const spss = spssNames(cols);
    const out = names.map((n) => spss.get(n) ?? n);
    for (const n of out) expect(Buffer.byteLength(n)).toBeLessThanOrEqual(64);
    expect(new Set(out.map((n) => n.toUpperCase())).size).toBe(out.length);
  });
});
