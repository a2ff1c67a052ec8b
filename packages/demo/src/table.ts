/** A plain text table: a header row, a rule, and right-aligned numbers. */
export function formatTable(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string[] {
  const cells = [header, ...rows].map((row) => row.map((cell) => (typeof cell === 'number' ? cell.toLocaleString('en-US') : cell)));
  const widths = header.map((_, i) => Math.max(...cells.map((row) => row[i]?.length ?? 0)));
  const line = (row: readonly string[], raw: readonly (string | number)[]) =>
    row.map((cell, i) => (typeof raw[i] === 'number' ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(cells[0]!, header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map((row, i) => line(row, rows[i]!))];
}
