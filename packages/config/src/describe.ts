import type { Config } from './config-files';

/** The config as "key.path = value" lines; secrets print as [redacted] through Secret.toJSON. */
export function describeConfig(config: Config): string[] {
  const lines: string[] = [];
  const walk = (value: unknown, path: string) => {
    const plain = JSON.parse(JSON.stringify(value ?? null)) as unknown;
    if (typeof plain === 'object' && plain !== null && !Array.isArray(plain) && Object.keys(plain).length > 0) {
      for (const [key, child] of Object.entries(plain)) walk(child, path ? `${path}.${key}` : key);
    } else {
      lines.push(`${path} = ${JSON.stringify(plain)}`);
    }
  };
  const { paths, secretValues, $schema: _schema, ...rest } = config;
  walk(rest, '');
  walk(secretValues, 'secretValues');
  lines.push(`paths.configFile = ${JSON.stringify(paths.configFile)}`);
  return lines;
}
