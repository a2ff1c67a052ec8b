import { UsageError } from '@switchyard/config';

export interface WholeNumberRange {
  min: number;
  max: number;
  /** What is counted, for the message: "a whole number of seconds from 0 to 3600". */
  of?: string;
}

/**
 * A numeric flag's value, or undefined when the flag was not given. Only plain decimal digits are
 * read: Number() would also take "1e2", "0x10", " 7 " and "" (as 0), none of which a person
 * typing a weight or a wait means as a number.
 */
export function wholeNumber(flag: string, value: unknown, range: WholeNumberRange): number | undefined {
  if (value === undefined) return undefined;
  const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (number >= range.min && number <= range.max) return number;
  const what = range.of ? `a whole number of ${range.of}` : 'a whole number';
  throw new UsageError(`--${flag}: expected ${what} from ${range.min} to ${range.max}, got ${JSON.stringify(value)}`);
}

/**
 * Joins a value that looks like a negative number to its flag (`--weight -1` → `--weight=-1`), so
 * that it reaches the range check: parseArgs would take `-1` for an option and call the flag
 * "ambiguous". No option starts with a digit, so this never swallows a real one.
 */
export function joinNegativeValues(argv: string[], valueFlags: ReadonlySet<string>): string[] {
  const joined: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    if (valueFlags.has(arg) && next !== undefined && /^-\d/.test(next)) {
      joined.push(`${arg}=${next}`);
      i++;
    } else joined.push(arg);
  }
  return joined;
}
