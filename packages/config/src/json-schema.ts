import { z } from 'zod';
import { configSchema } from './schema';

type JsonSchema = {
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  required?: string[];
  [key: string]: unknown;
};

/** The JSON Schema of an environment file, for editors: what may be written, so defaults are optional. */
export function configJsonSchema(): JsonSchema {
  return z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

/** The same schema with nothing required: a shared base file holds only part of a config. */
export function baseJsonSchema(): JsonSchema {
  const strip = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(strip);
    if (typeof node !== 'object' || node === null) return node;
    return Object.fromEntries(Object.entries(node).filter(([key]) => key !== 'required').map(([k, v]) => [k, strip(v)]));
  };
  return strip(configJsonSchema()) as JsonSchema;
}

function branches(node: JsonSchema): JsonSchema[] {
  const alternatives = node.anyOf ?? node.oneOf;
  return alternatives ? alternatives.flatMap(branches) : [node];
}

/** Keys an object at `path` may hold, across every alternative of a union. */
export function knownKeysAt(schema: JsonSchema, path: readonly PropertyKey[]): string[] {
  let nodes = branches(schema);
  for (const key of path) {
    nodes = nodes.flatMap((node) => {
      const next =
        typeof key === 'number'
          ? node.items
          : (node.properties?.[String(key)] ??
            (typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined));
      return next ? branches(next) : [];
    });
  }
  return [...new Set(nodes.flatMap((node) => Object.keys(node.properties ?? {})))];
}
