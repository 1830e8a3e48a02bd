// Column-aligned text tables: two spaces between columns, no borders, header optional.
import { visibleLength } from './style.js';

export type Align = 'left' | 'right';

export function renderTable(rows: readonly (readonly string[])[], align: readonly Align[] = [], indent = ''): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, visibleLength(cell))));
  return rows.map((row) => {
    const cells = row.map((cell, i) => {
      const gap = ' '.repeat(widths[i]! - visibleLength(cell));
      if (align[i] === 'right') return gap + cell;
      return i === row.length - 1 ? cell : cell + gap;
    });
    return (indent + cells.join('  ')).trimEnd();
  });
}
