import { describe, expect, it } from 'vitest';
import type { PrerequisiteFinding } from '../src/finding';
import { installMissing, packagesToInstall } from '../src/install';
import { recordingRunner } from './run-recorder';

const FINDINGS: PrerequisiteFinding[] = [
  { name: 'node', ok: true, detail: '20.20.2', why: 'runs Switchyard' },
  { name: 'nginx', ok: false, detail: 'not found on PATH', why: 'the proxy', aptPackage: 'nginx', fix: 'apt-get install -y nginx' },
  { name: 'flock', ok: false, detail: 'not found on PATH', why: 'the lock', aptPackage: 'util-linux', fix: 'apt-get install -y util-linux' },
  { name: 'setsid', ok: false, detail: 'not found on PATH', why: 'sessions', aptPackage: 'util-linux', fix: 'apt-get install -y util-linux' },
  { name: 'rsync', ok: true, detail: '3.2.7', why: 'ships releases', aptPackage: 'rsync' },
  { name: 'pnpm', ok: false, detail: '9.15.4 is older than 10; 10.x is needed', why: 'installs the workspace', fix: 'npm install -g pnpm@10' },
];

describe('installMissing', () => {
  it('installs each missing package once with apt-get, as root', async () => {
    const { run, calls } = recordingRunner();
    const out: string[] = [];
    const installed = await installMissing(FINDINGS, { root: true, aptGet: true, run, out: (line) => out.push(line) });
    expect(installed).toEqual(['nginx', 'util-linux']);
    expect(calls.map((call) => call.argv)).toEqual([
      ['apt-get', 'update', '-qq'],
      ['apt-get', 'install', '-y', '-qq', '--no-install-recommends', 'nginx', 'util-linux'],
    ]);
    expect(calls[1]!.options.env).toEqual({ DEBIAN_FRONTEND: 'noninteractive' });
    expect(out).toEqual(['prerequisites: installing nginx util-linux with apt-get']);
  });

  it('runs nothing for a user who is not root, and prints the sudo command', async () => {
    const { run, calls } = recordingRunner();
    const out: string[] = [];
    expect(await installMissing(FINDINGS, { root: false, aptGet: true, run, out: (line) => out.push(line) })).toEqual([]);
    expect(calls).toEqual([]);
    expect(out).toEqual(['prerequisites: not root, so nothing was installed; run: sudo apt-get install -y nginx util-linux']);
  });

  it('runs nothing where there is no apt-get, and names the Debian packages', async () => {
    const { run, calls } = recordingRunner();
    const out: string[] = [];
    await installMissing(FINDINGS, { root: true, aptGet: false, run, out: (line) => out.push(line) });
    expect(calls).toEqual([]);
    expect(out).toEqual([
      "prerequisites: no apt-get here, so nothing was installed; run: install nginx util-linux with the system's package manager (Debian: apt-get install -y nginx util-linux)",
    ]);
  });

  it('stops at a failed apt-get and says why, installing nothing', async () => {
    const { run, calls } = recordingRunner({ ok: false, exitCode: 100, stderr: 'E: Could not get lock /var/lib/dpkg/lock-frontend\n' });
    const out: string[] = [];
    expect(await installMissing(FINDINGS, { root: true, aptGet: true, run, out: (line) => out.push(line) })).toEqual([]);
    expect(calls).toHaveLength(1);
    expect(out.at(-1)).toBe('prerequisites: apt-get update failed (exit 100): E: Could not get lock /var/lib/dpkg/lock-frontend');
  });

  it('runs nothing when no missing thing has a Debian package', async () => {
    const { run, calls } = recordingRunner();
    const onlyPnpm = FINDINGS.filter((finding) => finding.name === 'pnpm' || finding.ok);
    expect(packagesToInstall(onlyPnpm)).toEqual([]);
    expect(await installMissing(onlyPnpm, { root: true, aptGet: true, run, out: () => {} })).toEqual([]);
    expect(calls).toEqual([]);
  });
});
