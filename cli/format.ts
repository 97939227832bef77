/** Human-readable output helpers. The `--json` output never goes through here. */

const cell = (value: unknown): string => {
  if (value === null || value === undefined) return '-';
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.length === 0 ? '(none)' : value.join(',');

  return typeof value === 'string' ? value : (JSON.stringify(value) ?? '-');
};

/** `label: value` lines, labels padded to one width. */
export const formatFields = (fields: [label: string, value: unknown][]): string => {
  const width = Math.max(...fields.map(([label]) => label.length));

  return fields.map(([label, value]) => `  ${`${label}:`.padEnd(width + 1)} ${cell(value)}`).join('\n');
};

/** A plain-text table with a header row; `empty` when there are no rows. */
export const formatTable = (columns: string[], rows: unknown[][], empty: string): string => {
  if (rows.length === 0) return empty;
  const text = rows.map((row) => row.map(cell));
  const widths = columns.map((column, index) => Math.max(column.length, ...text.map((row) => row[index].length)));
  const line = (values: string[]) =>
    values
      .map((value, index) => (index === values.length - 1 ? value : value.padEnd(widths[index])))
      .join('  ')
      .trimEnd();

  return [line(columns), ...text.map(line)].join('\n');
};
