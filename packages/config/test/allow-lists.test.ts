import { describe, expect, it } from 'vitest';
import { allowed } from '../src';
import * as values from '../src/values';

// The renderers check values with `allowed` (no zod); the config with the zod schemas built from the
// same rules. Each kind, on values either side of each rule, must get the same answer from both.
const cases: [keyof typeof allowed, { safeParse(v: unknown): { success: boolean } }, unknown[]][] = [
  ['environment', values.environmentName, ['production', 'a', 'Prod', '-x', 'a'.repeat(32), 'a'.repeat(33), '', 'staging-2']],
  ['app', values.appName, ['shop', 's', 'shop-', 'Shop', 'a'.repeat(32), 'a'.repeat(33), 'my-app2']],
  ['path', values.absolutePath, ['/srv', 'srv', '/srv/../etc', '/srv/a b', `/${'a'.repeat(4095)}`, `/${'a'.repeat(4096)}`, '/', '/a..b', '/srv;rm']],
  ['host', values.hostName, ['shop.example.com', '*.example.com', 'Shop.com', 'a..b', '-a.com', `${'a'.repeat(63)}.com`, `${'a'.repeat(64)}.com`, `${'a.'.repeat(126)}a`, `${'a.'.repeat(127)}a`]],
  ['ip', values.ipAddress, ['127.0.0.1', '256.0.0.1', '::1', 'fe80::1', '1.2.3', 'localhost', `${'a:'.repeat(20)}`, '']],
  ['cidr', values.cidr, ['10.0.0.0/8', '10.0.0.0/33', '::/0', '::/129', '10.0.0.1', '10.0.0.0/8/1', 'x/8', '10.0.0.0/']],
  ['header', values.httpHeaderName, ['X-Staging', '1X', 'X_Staging', 'X'.repeat(64), 'X'.repeat(65)]],
  ['size', values.size, ['10m', '512k', '1g', '10', '10M', '1234567m', '']],
  ['urlPath', values.urlPath, ['/health', 'health', '/a/../b', '/a b', '/~x_y.z', `/${'a'.repeat(1023)}`, `/${'a'.repeat(1024)}`]],
  ['user', values.unixUser, ['www-data', '_apt', 'Root', '1user', 'a'.repeat(32), 'a'.repeat(33)]],
  ['envName', values.envVarName, ['PORT', '_X', 'port', '1X', 'A'.repeat(128), 'A'.repeat(129)]],
  ['plain', values.plainValue, ['info', '', 'a b', 'a"b', "a'b", 'a$b', 'a%b', 'a\\b', 'a`b', 'line\nbreak', 'é', 'x'.repeat(4096), 'x'.repeat(4097)]],
  ['argument', values.argument, ['server.js', '--port=80', '', 'a b', 'a;b', '$HOME', 'x'.repeat(1024), 'x'.repeat(1025)]],
  ['startArgument', values.startArgument, ['${SOCKET_PATH}', '--bind=unix:${SOCKET_PATH}', '${HOME}', '$SOCKET_PATH', '', 'x'.repeat(1025)]],
  ['port', values.port, [1, 0, 65535, 65536, 80.5, -1]],
];

describe('allowed: the allow-lists without zod', () => {
  it.each(cases)('%s agrees with the config schema on every sample', (kind, schema, samples) => {
    for (const sample of samples) {
      const check = allowed[kind] as (value: unknown) => boolean;
      expect({ kind, sample, allowed: check(sample) }).toEqual({ kind, sample, allowed: schema.safeParse(sample).success });
    }
  });
});
