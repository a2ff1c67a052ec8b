/*
 * A unified diff of two texts, for --dry-run: Myers' O((N+M)·D) shortest edit script. Rendered
 * files are small and a dry run compares them once, so simplicity wins over a dependency.
 */

type Op = { kind: ' ' | '-' | '+'; line: string };

const CONTEXT = 3;
const NO_NEWLINE = '\n\\ No newline at end of file';

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  // Carry the marker inside the last line, so "x" and "x\n" differ and print as diff does.
  else lines[lines.length - 1] += NO_NEWLINE;
  return lines;
}

function editScript(a: string[], b: string[]): Op[] {
  const max = a.length + b.length;
  const at = (k: number) => k + max + 1;
  let v: Int32Array = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  const down = (k: number, d: number) => k === -d || (k !== d && v[at(k - 1)]! < v[at(k + 1)]!);
  search: for (let d = 0; d <= max; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = down(k, d) ? v[at(k + 1)]! : v[at(k - 1)]! + 1;
      let y = x - k;
      while (x < a.length && y < b.length && a[x] === b[y]) [x, y] = [x + 1, y + 1];
      v[at(k)] = x;
      if (x >= a.length && y >= b.length) break search;
    }
  }
  const ops: Op[] = [];
  let [x, y] = [a.length, b.length];
  for (let d = trace.length - 1; d >= 0; d--) {
    v = trace[d]!;
    const k = x - y;
    const prevK = down(k, d) ? k + 1 : k - 1;
    const prevX = v[at(prevK)]!;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      x--;
      y--;
      ops.push({ kind: ' ', line: a[x]! });
    }
    if (d === 0) break;
    if (x === prevX) ops.push({ kind: '+', line: b[--y]! });
    else ops.push({ kind: '-', line: a[--x]! });
  }
  return ops.reverse();
}

function hunkHeader(ops: Op[], start: number, end: number): string {
  const count = (kinds: string, from: number, to: number) => ops.slice(from, to).filter((op) => kinds.includes(op.kind)).length;
  const aLen = count(' -', start, end);
  const bLen = count(' +', start, end);
  const aStart = count(' -', 0, start) + (aLen > 0 ? 1 : 0);
  const bStart = count(' +', 0, start) + (bLen > 0 ? 1 : 0);
  return `@@ -${aStart},${aLen} +${bStart},${bLen} @@`;
}

/**
 * Unified diff of a file's current text (null: it does not exist yet) against the rendered one;
 * empty when they are equal.
 */
export function diffText(path: string, before: string | null, after: string): string {
  if (before === after) return '';
  const ops = editScript(splitLines(before ?? ''), splitLines(after));
  const changed = ops.flatMap((op, i) => (op.kind === ' ' ? [] : [i]));
  if (changed.length === 0) return '';
  const out = [`--- ${before === null ? '/dev/null' : `a${path}`}`, `+++ b${path}`];
  let i = 0;
  while (i < changed.length) {
    let j = i;
    // Changes closer than twice the context share one hunk.
    while (j + 1 < changed.length && changed[j + 1]! - changed[j]! <= 2 * CONTEXT) j++;
    const start = Math.max(0, changed[i]! - CONTEXT);
    const end = Math.min(ops.length, changed[j]! + CONTEXT + 1);
    out.push(hunkHeader(ops, start, end), ...ops.slice(start, end).map((op) => op.kind + op.line));
    i = j + 1;
  }
  return `${out.join('\n')}\n`;
}
