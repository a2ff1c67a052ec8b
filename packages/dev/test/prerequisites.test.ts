import { writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPrerequisites, ensurePrerequisites } from '../src/prerequisites';
import { localConfig } from './config-fixture';
import { fakePrograms, pathWithout } from './path-fixture';
import { recordingRunner } from './run-recorder';

const isRoot = process.getuid?.() === 0;
// Each check runs the real programs, pnpm --version among them (about 1 s alone, several on a busy machine).
const REAL_PROGRAMS = { timeout: 30_000 };

describe('checkPrerequisites on this machine', REAL_PROGRAMS, () => {
  it('finds everything config/local.json needs, and says which supervisor will run the colours', async () => {
    const findings = await checkPrerequisites(localConfig());
    expect(findings.filter((finding) => !finding.ok)).toEqual([]);
    expect(findings.map((finding) => finding.name)).toEqual(['node', 'pnpm', 'nginx', 'rsync', 'flock', 'setsid', 'ps', 'npm', 'supervisor']);
    expect(findings.at(-1)).toMatchObject({ info: true, why: 'supervisor: "auto"', detail: expect.stringMatching(/^(systemd (system|user) manager|plain processes)/) });
  });

  it('looks programs up on the PATH it is given', async () => {
    const findings = await checkPrerequisites(localConfig(), { env: { PATH: pathWithout('nginx') } });
    expect(findings.filter((finding) => !finding.ok).map((finding) => [finding.name, finding.detail])).toEqual([['nginx', 'not found on PATH']]);
  });
});

describe('ensurePrerequisites', REAL_PROGRAMS, () => {
  it('changes nothing without install, and returns what is missing', async () => {
    const { run, calls } = recordingRunner();
    const result = await ensurePrerequisites(localConfig(), { install: false, out: () => {}, run, env: { PATH: pathWithout('nginx') } });
    expect(calls).toEqual([]);
    expect(result.installed).toEqual([]);
    expect(result.missing.map((finding) => finding.name)).toEqual(['nginx']);
  });

  it('installs the missing package with apt-get as root (else prints the sudo line), then looks again', async () => {
    const { run, calls } = recordingRunner();
    const out: string[] = [];
    const result = await ensurePrerequisites(localConfig(), { install: true, out: (line) => out.push(line), run, env: { PATH: pathWithout('nginx') } });
    if (isRoot) {
      expect(calls.map((call) => call.argv)).toEqual([
        ['apt-get', 'update', '-qq'],
        ['apt-get', 'install', '-y', '-qq', '--no-install-recommends', 'nginx'],
      ]);
      expect(result.installed).toEqual(['nginx']);
    } else {
      expect(calls).toEqual([]);
      expect(out).toEqual(['prerequisites: not root, so nothing was installed; run: sudo apt-get install -y nginx']);
    }
    // The recorder installed nothing, and the second look says so.
    expect(result.missing.map((finding) => finding.name)).toEqual(['nginx']);
  });
});

describe.runIf(isRoot)('ensurePrerequisites as root', REAL_PROGRAMS, () => {
  it('looks again after installing, and finds what apt-get put in', async () => {
    const bin = fakePrograms({});
    const { run: record, calls } = recordingRunner();
    // Stands in for apt-get: the install puts an nginx where the PATH will find it.
    const run: typeof record = async (argv, options) => {
      if (argv[1] === 'install') writeFileSync(join(bin, 'nginx'), '#!/bin/sh\necho "nginx version: nginx/1.24.0" >&2\n', { mode: 0o755 });
      return record(argv, options);
    };
    const result = await ensurePrerequisites(localConfig(), { install: true, out: () => {}, run, env: { PATH: [pathWithout('nginx'), bin].join(delimiter) } });
    expect(calls).toHaveLength(2);
    expect(result.installed).toEqual(['nginx']);
    expect(result.missing).toEqual([]);
    expect(result.findings.find((finding) => finding.name === 'nginx')).toMatchObject({ ok: true, detail: '1.24.0' });
  });
});
