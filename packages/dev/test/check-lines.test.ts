import { describe, expect, it } from 'vitest';
import { checkLines } from '../src/check-lines';

describe('checkLines', () => {
  it('gives one line per problem with its fix, then the supervisor; nothing for what is fine', () => {
    expect(
      checkLines([
        { name: 'node', ok: false, detail: '20.18.3 is older than 20.19; 20.19 or later is needed', why: 'runs Switchyard (package.json engines.node ">=20.19")', fix: 'install Node.js 20.19 or later from https://nodejs.org/en/download' },
        { name: 'pnpm', ok: true, detail: '10.34.9', why: 'installs the workspace' },
        { name: 'nginx', ok: false, detail: 'not found on PATH', why: 'the proxy in front of the colours (nginx.mode: "private")', aptPackage: 'nginx', fix: 'sudo apt-get install -y nginx' },
        { name: 'gunicorn', ok: false, detail: 'not found on PATH', why: 'start.command: ["gunicorn", …]' },
        { name: 'supervisor', ok: true, info: true, detail: 'plain processes (no systemd here)', why: 'supervisor: "auto"' },
      ]),
    ).toEqual([
      'node: 20.18.3 is older than 20.19; 20.19 or later is needed. Needed: runs Switchyard (package.json engines.node ">=20.19"). Fix: install Node.js 20.19 or later from https://nodejs.org/en/download',
      'nginx: not found on PATH. Needed: the proxy in front of the colours (nginx.mode: "private"). Fix: sudo apt-get install -y nginx',
      'gunicorn: not found on PATH. Needed: start.command: ["gunicorn", …].',
      'supervisor: plain processes (no systemd here), from supervisor: "auto"',
    ]);
  });
});
