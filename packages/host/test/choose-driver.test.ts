import { configSchema } from '@switchyard/config/validation';
import { describe, expect, it } from 'vitest';
import { chooseProcessDriver } from '../src/choose-driver';
import { localHost } from '../src/local-host';
import { ensureUserManager } from '../src/user-manager';
import { tempDir } from './helpers';

const host = localHost();
const systemdAnswers = await ensureUserManager(host).then(
  () => true,
  () => false,
);

async function config(supervisor: 'auto' | 'systemd' | 'plain') {
  return configSchema.parse({
    app: 'catalog',
    server: { type: 'local', root: await tempDir() },
    start: { command: ['node', 'server.js'] },
    supervisor,
  });
}

describe('chooseProcessDriver', () => {
  it('gives plain processes when the config says plain', async () => {
    expect((await chooseProcessDriver(await config('plain'), host)).kind).toBe('plain');
  });

  it.skipIf(!systemdAnswers)('gives systemd for systemd, and for auto where a manager answers (skipped: no systemd manager)', async () => {
    expect((await chooseProcessDriver(await config('systemd'), host)).kind).toBe('systemd');
    expect((await chooseProcessDriver(await config('auto'), host)).kind).toBe('systemd');
  });
});
