import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, fchmodSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { UsageError } from '@switchyard/config';

/** A value to add to the environment's dotenv file, with the lines that say what it is. */
export interface NewValue {
  readonly name: string;
  readonly description: readonly string[];
  readonly value: string;
}

/** The result of a write: `modeFixedFrom` is the file's mode before it was narrowed to 0600, if it was wider. */
export interface EnvFileWrite {
  readonly modeFixedFrom: number | undefined;
}

// Single quotes make dotenv's parse return the value as written ('#', spaces, backslashes and '$'
// included) as long as it holds no quote and no line break; escaping those has no form that
// every dotenv reader agrees on, so such a value is refused instead.
const UNWRITABLE = /[\r\n'"`]/;

/** Refuses a value the dotenv file could not give back exactly. Never shows the value. */
export function checkWritableValue(file: string, name: string, value: string): void {
  if (UNWRITABLE.test(value))
    throw new UsageError(`${file}: the value given for ${name} holds a line break or a quote character (' " \`), which a .env file cannot hold unescaped; use a value without them`);
}

const block = (entry: NewValue) => [...entry.description.map((line) => (line === '' ? '#' : `# ${line}`)), `${entry.name}='${entry.value}'`].join('\n');

function ifPresent<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The file's permission bits when they allow more than 0600 (read and write by its owner). */
export function modeWiderThan0600(file: string): number | undefined {
  const mode = ifPresent(() => statSync(file).mode & 0o777);
  return mode !== undefined && (mode & ~0o600) !== 0 ? mode : undefined;
}

function writeAtomically(file: string, bytes: Buffer): void {
  // The temp name still starts with the file's own name, so the ignore rule that covers the file
  // also covers a temp file a crash leaves behind.
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const fd = openSync(temp, 'wx', 0o600);
    try {
      // open() applies the umask; the file must end up exactly 0600.
      fchmodSync(fd, 0o600);
      writeSync(fd, bytes);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/**
 * Adds the values at the end of the file, creating it, and leaves every existing byte as it was.
 * A name that is already in the file with an empty value gets a second line: dotenv's parse keeps
 * the last assignment, so the new value is the one read. The file ends up mode 0600 either way.
 */
export function appendEnvValues(file: string, values: readonly NewValue[]): EnvFileWrite {
  for (const entry of values) checkWritableValue(file, entry.name, entry.value);
  const modeFixedFrom = modeWiderThan0600(file);
  if (values.length === 0) {
    if (modeFixedFrom !== undefined) chmodSync(file, 0o600);
    return { modeFixedFrom };
  }
  const before = ifPresent(() => readFileSync(file)) ?? Buffer.alloc(0);
  const separator = before.length === 0 ? '' : before.at(-1) === 0x0a ? '\n' : '\n\n';
  writeAtomically(file, Buffer.concat([before, Buffer.from(`${separator}${values.map(block).join('\n\n')}\n`)]));
  return { modeFixedFrom };
}
