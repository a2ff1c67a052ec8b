import type { Node, RangeVar } from 'libpg-query';

/**
 * How a table or index is named in findings and in what a migration has created: as written,
 * with `public.` dropped so that `products` and `public.products` are the same table (the
 * parser has already folded unquoted names to lower case).
 */
export function relationName(relation: RangeVar | undefined): string {
  return qualified([relation?.schemaname, relation?.relname ?? '']);
}

/** A name given as a list of strings, as DROP and RENAME give it: `schema.name` or `name`. */
export function listName(node: Node): string {
  const items = 'List' in node ? (node.List.items ?? []) : [node];
  return qualified(items.map((item) => ('String' in item ? item.String.sval : undefined)));
}

/** The last part of a possibly qualified name: `bigserial`, `gen_random_uuid`, a column. */
export function lastName(names: readonly Node[] | undefined): string | undefined {
  const last = names?.at(-1);
  return last !== undefined && 'String' in last ? last.String.sval : undefined;
}

function qualified(parts: readonly (string | undefined)[]): string {
  const present = parts.filter((part): part is string => part !== undefined && part !== '');
  return (present[0] === 'public' && present.length > 1 ? present.slice(1) : present).join('.');
}
