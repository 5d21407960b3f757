/**
 * Prints query results the way the `mysql` client does in a terminal: a boxed table and a row count, so
 * `rds-iam connect --execute` output reads like the client people know.
 */

/** A column name and the printed value of each row. */
export interface ResultSet {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly unknown[])[];
}

/** The boxed table followed by `N rows in set`, or `Empty set` when there are no rows. */
export function formatResultTable(result: ResultSet): string {
  if (result.rows.length === 0) return 'Empty set\n';
  const cells = result.rows.map((row) => row.map(formatCell));
  const widths = result.columns.map((column, index) => Math.max(width(column), ...cells.map((row) => width(row[index] ?? ''))));
  const border = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  const line = (values: readonly string[]) => `| ${values.map((value, index) => pad(value, widths[index])).join(' | ')} |`;
  const count = `${result.rows.length} ${result.rows.length === 1 ? 'row' : 'rows'} in set`;
  return [border, line(result.columns), border, ...cells.map(line), border, count].join('\n') + '\n';
}

/** `Query OK, N rows affected` for statements without a result set. */
export function formatStatementResult(affectedRows: number): string {
  return `Query OK, ${affectedRows} ${affectedRows === 1 ? 'row' : 'rows'} affected\n`;
}

function formatCell(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (value instanceof Date) return value.toISOString().replace('T', ' ').replace(/\.000Z$|Z$/, '');
  if (Buffer.isBuffer(value)) return `0x${value.toString('hex')}`;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value).replace(/\r?\n/g, '\\n').replace(/\t/g, '\\t');
}

function width(text: string): number {
  return [...text].length;
}

function pad(text: string, size: number): string {
  return text + ' '.repeat(size - width(text));
}
