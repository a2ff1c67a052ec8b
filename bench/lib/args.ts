import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A benchmark's options: --help prints the usage and exits 0; a bad option prints it and exits 2. */
export function benchArgs<const T extends ParseArgsConfig>(config: T, usage: string): ReturnType<typeof parseArgs<T>>['values'] {
  let values: ReturnType<typeof parseArgs<T>>['values'];
  try {
    values = parseArgs(config).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    process.exit(2);
  }
  if ((values as Record<string, unknown>).help) {
    console.log(usage);
    process.exit(0);
  }
  return values;
}
