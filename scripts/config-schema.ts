import { writeFileSync } from 'node:fs';
import { baseJsonSchema, configJsonSchema } from '@switchyard/config/validation';
import { parseCommandLine, print, runCommand } from './lib/cli';

const USAGE = `usage: pnpm config:schema [--config-dir DIR]
Writes DIR/schema.json (environment files) and DIR/schema.base.json (the shared base) from the zod schema.`;

await runCommand(() => {
  const args = parseCommandLine(USAGE);
  for (const [name, schema] of [['schema.json', configJsonSchema()], ['schema.base.json', baseJsonSchema()]] as const) {
    const file = `${args['config-dir']}/${name}`;
    writeFileSync(file, `${JSON.stringify(schema, null, 2)}\n`);
    print(`wrote ${file}`);
  }
});
