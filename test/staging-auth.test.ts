import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deployProject, get } from './support/deploy-project';

/*
 * The staging route's basic auth, with nginx's workers as they really are: a private nginx started
 * by root runs them as nobody, who reads htpasswd only through the group the deploy gives it.
 */

const PASSWORD = 'staging-dummy-password';
const STAGING = 'X-Switchyard-Staging';

const uidOf = (pid: number) => Number(/^Uid:\s+\d+\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);

describe.skipIf(process.getuid?.() !== 0)('the staging route behind basic auth', () => {
  it('lets the right password through to the idle colour and refuses a wrong one; --dry-run never shows htpasswd', async ({ onTestFinished }) => {
    const project = await deployProject(19170, {
      secrets: ['STAGING_PASSWORD'],
      nginx: { staging: { header: STAGING, allow: [], basicAuth: { user: 'team', passwordSecret: 'STAGING_PASSWORD' } } },
    });
    onTestFinished(() => project.cleanup());
    writeFileSync(join(project.dir, '.env'), `STAGING_PASSWORD=${PASSWORD}\n`, { mode: 0o600 });

    const planned = await project.deploy(await project.release('1.0.0'), ['--dry-run']);
    expect(planned.code, planned.stdout + planned.stderr).toBe(0);
    expect(planned.stdout).toContain(`${join(project.appRoot, 'nginx/htpasswd')} (holds secrets: contents not shown)`);
    expect(planned.stdout + planned.stderr).not.toContain('{SSHA}');

    const first = await project.deploy(await project.release('1.0.0'));
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const staged = await project.deploy(await project.release('2.0.0'), ['--no-switch']);
    expect(staged.code, staged.stdout + staged.stderr).toBe(0);
    expect(project.nginxWorkerPids().map(uidOf)).not.toContain(0);

    const staging = (password?: string) =>
      get(project.port, '/api/products', {
        headers: { [STAGING]: '1', ...(password ? { Authorization: `Basic ${Buffer.from(`team:${password}`).toString('base64')}` } : {}) },
      });
    expect((await staging()).status).toBe(401);
    expect((await staging('wrong-password')).status).toBe(401);
    const right = await staging(PASSWORD);
    expect([right.status, right.headers['x-app-version']]).toEqual([200, '2.0.0']);
    expect((await project.get('/api/products')).headers['x-app-version']).toBe('1.0.0');
  });
});
