import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { baseJsonSchema, configJsonSchema } from '../src/validation';

const configDir = fileURLToPath(new URL('../../../config/', import.meta.url));
const committed = (name: string) => JSON.parse(readFileSync(`${configDir}${name}`, 'utf8')) as unknown;

describe('the committed JSON Schemas', () => {
  it('match the zod schema (run `pnpm config:schema` after changing it)', () => {
    expect(committed('schema.json')).toEqual(configJsonSchema());
    expect(committed('schema.base.json')).toEqual(baseJsonSchema());
  });

  it('describe every key, so editors can explain it', () => {
    const schema = configJsonSchema() as { properties: Record<string, { description?: string }> };
    const undescribed = Object.entries(schema.properties).filter(([, property]) => !property.description);
    expect(undescribed.map(([key]) => key)).toEqual([]);
  });
});
