import { chmodSync, writeFileSync } from 'node:fs';
import { delimiter, join, relative } from 'node:path';
import type { Config } from '@switchyard/config';
import { localHost } from '@switchyard/host';
import { describe, expect, it } from 'vitest';
import { findOnPath, type ProbeContext, probeRequirement } from '../src/probe';
import { type Requirement, requirementsOf } from '../src/requirements';
import { localConfig } from './config-fixture';
import { fakePrograms, pathWithout } from './path-fixture';

const TOOLCHAIN = { engines: { node: '>=20.19' }, packageManager: 'pnpm@10.34.9' };
const context = (path: string, root = true): ProbeContext => ({ path, run: localHost().run, root, aptGet: true });
const requirement = (name: string, config: Config = localConfig()): Requirement => {
  const found = requirementsOf(config, TOOLCHAIN).find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no requirement ${name}`);
  return found;
};

// The version commands are real programs: pnpm --version alone takes about 1 s, several on a busy machine.
describe('probeRequirement on this machine', { timeout: 30_000 }, () => {
  it.each(['node', 'pnpm', 'nginx', 'rsync', 'flock', 'ps', 'npm'])('finds %s with its version', async (name) => {
    const finding = await probeRequirement(requirement(name), context(process.env.PATH ?? ''));
    expect(finding).toMatchObject({ name, ok: true });
    expect(finding.detail).toMatch(/^\d+\.\d+(\.\d+)?$/);
    expect(finding.fix).toBeUndefined();
  });

  it('finds the node that runs this test, by the version it prints', async () => {
    const dir = join(process.execPath, '..');
    const finding = await probeRequirement(requirement('node'), context(dir));
    expect(finding.detail).toBe(process.versions.node);
  });

  it('reports nginx missing from a PATH without it, with the apt-get line as the fix', async () => {
    const finding = await probeRequirement(requirement('nginx'), context(pathWithout('nginx')));
    expect(finding).toEqual({
      name: 'nginx',
      ok: false,
      detail: 'not found on PATH',
      why: expect.stringContaining('nginx.mode: "private"'),
      aptPackage: 'nginx',
      fix: 'apt-get install -y nginx',
    });
    expect((await probeRequirement(requirement('nginx'), context(pathWithout('nginx'), false))).fix).toBe('sudo apt-get install -y nginx');
  });

  it('reports an nginx older than 1.19.10, and one that tells no version', async () => {
    const old = fakePrograms({ nginx: 'echo "nginx version: nginx/1.18.0" >&2' });
    expect(await probeRequirement(requirement('nginx'), context([old, process.env.PATH].join(delimiter)))).toMatchObject({
      ok: false,
      detail: '1.18.0 is older than 1.19.10; 1.19.10 or later is needed',
      fix: 'apt-get install -y nginx',
    });
    const mute = fakePrograms({ nginx: 'echo "segmentation fault" >&2; exit 139' });
    expect(await probeRequirement(requirement('nginx'), context([mute, process.env.PATH].join(delimiter)))).toMatchObject({
      ok: false,
      detail: `${join(mute, 'nginx')} -v gave no version (segmentation fault); 1.19.10 or later is needed`,
    });
  });

  it('reports a pnpm of another major, with the npm line as the fix', async () => {
    const dir = fakePrograms({ pnpm: 'echo 9.15.4' });
    expect(await probeRequirement(requirement('pnpm'), context([dir, process.env.PATH].join(delimiter)))).toMatchObject({
      ok: false,
      detail: '9.15.4 is older than 10; 10.x is needed',
      fix: 'npm install -g pnpm@10',
    });
  });

  it('gives the version command the PATH it was found on', async () => {
    // A wrapper that finds its real program through PATH, as pnpm's `#!/usr/bin/env node` does.
    const dir = fakePrograms({ pnpm: 'exec pnpm-real', 'pnpm-real': 'echo 10.2.0' });
    expect(await probeRequirement(requirement('pnpm'), context([dir, process.env.PATH].join(delimiter)))).toMatchObject({ ok: true, detail: '10.2.0' });
  });

  it('finds the brotli_static module as a file, and names its package when it is missing', async () => {
    const config: Config = { ...localConfig(), assets: { type: 'local', from: 'public', directory: '/tmp/a', precompress: ['br'] } };
    const module = requirement('ngx_http_brotli_static_module', config);
    expect(await probeRequirement(module, context(''))).toMatchObject({ ok: true, detail: '/usr/lib/nginx/modules/ngx_http_brotli_static_module.so' });
    const elsewhere = { ...module, locate: { kind: 'file' as const, path: '/nonexistent/ngx_http_brotli_static_module.so' } };
    expect(await probeRequirement(elsewhere, context('', false))).toMatchObject({
      ok: false,
      detail: '/nonexistent/ngx_http_brotli_static_module.so is missing',
      fix: 'sudo apt-get install -y libnginx-mod-http-brotli-static',
    });
  });

  it("gives the requirement's own fix where no Debian package will do", async () => {
    const finding = await probeRequirement(requirement('npm'), context(pathWithout('npm')));
    expect(finding).toMatchObject({ ok: false, detail: 'not found on PATH', fix: expect.stringContaining('install Node.js 20.19 or later') });
    expect(finding.aptPackage).toBeUndefined();
  });
});

describe('findOnPath', () => {
  it('takes the first executable file, skipping relative entries and files that cannot run', () => {
    const first = fakePrograms({});
    writeFileSync(join(first, 'tool'), 'not executable');
    chmodSync(join(first, 'tool'), 0o644);
    const second = fakePrograms({ tool: 'true' });
    expect(findOnPath('tool', ['', first, second].join(delimiter))).toBe(join(second, 'tool'));
    expect(findOnPath('tool', first)).toBeUndefined();
    expect(findOnPath('tool', relative(process.cwd(), second))).toBeUndefined();
  });
});
