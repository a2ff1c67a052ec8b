import type { Node } from 'libpg-query';
import { lastName } from '../names';

/**
 * Built-in functions (and those of uuid-ossp and pgcrypto) whose value changes from row to row.
 * A default that calls one is computed for every existing row, so ADD COLUMN rewrites the table;
 * now(), CURRENT_TIMESTAMP and the like are STABLE: computed once, no rewrite (measured on
 * PostgreSQL 15: the table's relfilenode stays the same with DEFAULT now() and changes with
 * DEFAULT clock_timestamp()). A function of the application's own is not known here: PostgreSQL
 * makes it VOLATILE unless it is declared otherwise, and such a default is not caught.
 */
const VOLATILE_FUNCTIONS = new Set([
  'clock_timestamp',
  'timeofday',
  'random',
  'random_normal',
  'gen_random_uuid',
  'uuidv4',
  'uuidv7',
  'uuid_generate_v1',
  'uuid_generate_v1mc',
  'uuid_generate_v4',
  'gen_random_bytes',
  'nextval',
]);

/** The first volatile function `expression` calls, e.g. `gen_random_uuid()`, if any. */
export function volatileCall(expression: Node | undefined): string | undefined {
  if (expression === undefined) return undefined;
  const stack: unknown[] = [expression];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value !== 'object' || value === null) continue;
    if ('FuncCall' in value) {
      const name = lastName((value as Extract<Node, { FuncCall: unknown }>).FuncCall.funcname);
      if (name !== undefined && VOLATILE_FUNCTIONS.has(name)) return `${name}()`;
    }
    stack.push(...Object.values(value));
  }
  return undefined;
}
