import { safeCell } from '../../server/src/exports/csv';

describe('safeCell', () => {
  it.each([
    ['=1+1', "'=1+1"],
    ['+7 900', "'+7 900"],
    ['-cmd', "'-cmd"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=1', "'\t=1"],
    ['Москва', 'Москва'],
    ['a=b', 'a=b'],
  ])('neutralises %j as %j', (input, expected) => {
    expect(safeCell(input)).toBe(expected);
  });
  it('keeps numbers (also negative) as numbers and empties null', () => {
    expect(safeCell(-3)).toBe(-3);
    expect(safeCell(null)).toBe('');
    expect(safeCell(true)).toBe(1);
    expect(safeCell({ a: 1 })).toBe('{"a":1}');
  });
});
