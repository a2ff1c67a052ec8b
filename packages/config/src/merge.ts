const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Layers `over` onto `base`: objects merge key by key, deeply; arrays and scalars replace. An object
 * of another "type" replaces the base's whole: a git source over a path source keeps no "path".
 */
export function deepMerge(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over === undefined ? base : over;
  if ('type' in over && over.type !== base.type) return over;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) merged[key] = deepMerge(base[key], value);
  return merged;
}

/** Whether `path` names a value that `object` itself holds (not one inherited from a base). */
export function hasPath(object: unknown, path: readonly PropertyKey[]): boolean {
  let node = object;
  for (const key of path) {
    if (typeof node !== 'object' || node === null || !(key in node)) return false;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return true;
}
