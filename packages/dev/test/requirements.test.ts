import type { Config } from '@switchyard/config';
import { BROTLI_STATIC_MODULE } from '@switchyard/templates';
import { describe, expect, it } from 'vitest';
import { requirementsOf } from '../src/requirements';
import { localConfig } from './config-fixture';

const TOOLCHAIN = { engines: { node: '>=20.19' }, packageManager: 'pnpm@10.34.9' };
const byName = (config: Config) => new Map(requirementsOf(config, TOOLCHAIN).map((requirement) => [requirement.name, requirement]));

describe('requirementsOf', () => {
  it('lists what config/local.json needs, and nothing it does not', () => {
    const requirements = requirementsOf(localConfig(), TOOLCHAIN);
    expect(requirements.map((requirement) => requirement.name)).toEqual(['node', 'pnpm', 'nginx', 'rsync', 'flock', 'setsid', 'ps', 'npm']);
    expect(requirements.map((requirement) => requirement.aptPackage)).toEqual([undefined, undefined, 'nginx', 'rsync', 'util-linux', 'util-linux', 'procps', undefined]);
  });

  it("takes Node.js's and pnpm's versions from the project's package.json, with fixes that are not apt-get", () => {
    const requirements = byName(localConfig());
    expect(requirements.get('node')).toMatchObject({ version: { atLeast: '20.19' }, why: expect.stringContaining('engines.node ">=20.19"') });
    expect(requirements.get('node')!.why).toContain('start.command: ["node", …]');
    expect(requirements.get('node')!.fix).toContain('install Node.js 20.19 or later');
    expect(requirements.get('pnpm')).toMatchObject({ version: { atLeast: '10', below: '11' }, fix: 'npm install -g pnpm@10' });
    expect(requirements.get('npm')).toMatchObject({ why: 'build.install: ["npm", …]', fix: expect.stringContaining('install Node.js 20.19 or later') });
  });

  it('asks for nginx 1.19.10 or later, which has keepalive_time', () => {
    expect(byName(localConfig()).get('nginx')).toMatchObject({ version: { atLeast: '1.19.10' }, why: expect.stringContaining('nginx.mode: "private"') });
  });

  it('asks for the brotli_static module, as a file, only when the assets have brotli twins', () => {
    const config = localConfig();
    expect(byName(config).has('ngx_http_brotli_static_module')).toBe(false);
    const assets = { type: 'local' as const, from: 'public', directory: '/tmp/switchyard/assets', precompress: ['gzip' as const, 'br' as const] };
    expect(byName({ ...config, assets }).get('ngx_http_brotli_static_module')).toEqual({
      name: 'ngx_http_brotli_static_module',
      why: 'nginx sends the brotli twins of the assets (assets.precompress: ["br"])',
      locate: { kind: 'file', path: BROTLI_STATIC_MODULE },
      aptPackage: 'libnginx-mod-http-brotli-static',
    });
  });

  it('asks for git with a git source, and rsync then only for the asset folder', () => {
    const config: Config = { ...localConfig(), source: { type: 'git', repository: 'https://example.com/app.git', ref: 'main' } };
    const requirements = byName(config);
    expect(requirements.get('git')).toMatchObject({ aptPackage: 'git', why: expect.stringContaining('source.type: "git"') });
    expect(requirements.get('rsync')!.why).toBe('publishes the assets into their folder (assets.type: "local")');
    expect(byName({ ...config, assets: undefined }).has('rsync')).toBe(false);
    expect(byName(localConfig()).has('git')).toBe(false);
  });

  it('lists only the deploying side for a server reached over SSH', () => {
    const local = localConfig();
    const config: Config = { ...local, server: { type: 'ssh', host: 'web1', root: '/srv', parallel: 8, privilege: 'none', ssh: { connectTimeoutSec: 10 } } };
    expect([...byName(config).keys()]).toEqual(['node', 'pnpm', 'rsync', 'ssh']);
    expect(byName(config).get('ssh')).toMatchObject({ aptPackage: 'openssh-client' });
  });

  it("checks the programs of the config's commands when they are bare names, each once", () => {
    const local = localConfig();
    const config: Config = {
      ...local,
      modules: [...local.modules, 'worker'],
      start: { ...local.start, command: ['gunicorn', 'mysite.wsgi'], worker: ['python3', 'manage.py', 'worker'] },
      build: { install: ['./bin/install'], build: ['python3', 'manage.py', 'collectstatic'] },
    };
    const requirements = byName(config);
    expect(requirements.has('./bin/install')).toBe(false);
    expect(requirements.get('gunicorn')).toMatchObject({ locate: { kind: 'command', command: 'gunicorn' }, fix: 'install gunicorn, or change start.command' });
    expect(requirements.get('python3')).toMatchObject({ why: 'start.worker: ["python3", …]; build.build: ["python3", …]', fix: 'install python3, or change start.worker and build.build' });
    expect(requirements.get('node')!.why).not.toContain('start.command');
  });

  it('has no version bounds where the package.json names none', () => {
    const requirements = new Map(requirementsOf(localConfig(), {}).map((requirement) => [requirement.name, requirement]));
    expect(requirements.get('node')!.version).toBeUndefined();
    expect(requirements.get('pnpm')).toMatchObject({ fix: 'npm install -g pnpm' });
    expect(requirements.get('pnpm')!.version).toBeUndefined();
  });
});
