import type { ReactNode } from 'react';

export type Column = ReactNode | { label: ReactNode; num: true };

const isNum = (c: Column): c is { label: ReactNode; num: true } =>
  typeof c === 'object' && c !== null && 'num' in c && c.num === true;

/** A number column's header (right-aligned). */
export const numColumn = (label: ReactNode): Column => ({ label, num: true });

/** A table's header row: one column header per entry (`{ label, num: true }`: a number column). */
export function TableHead({ columns }: { columns: Column[] }) {
  return (
    <thead>
      <tr>
        {columns.map((c, i) =>
          isNum(c) ? (
            <th key={i} scope="col" className="num">
              {c.label}
            </th>
          ) : (
            <th key={i} scope="col">
              {c}
            </th>
          ),
        )}
      </tr>
    </thead>
  );
}
