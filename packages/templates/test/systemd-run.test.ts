import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, lstatSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderAll, serverLayout } from '../src/index';
import { configFrom, tempDir, writeFiles } from './support';

/*
 * The reduced profile is the one that must actually start where systemd is not PID 1: run it
 * under the user manager (where none runs, packages/host's ensureUserManager starts a private one,
 * as a deploy with supervisor "systemd" does). Skipped where no user manager answers.
 */

const runtimeDir = process.env.XDG_RUNTIME_DIR ?? `/run/user/${process.getuid?.() ?? 0}`;
const env = { ...process.env, XDG_RUNTIME_DIR: runtimeDir };
const systemctl = (...args: string[]) => spawnSync('systemctl', ['--user', ...args], { env, encoding: 'utf8' });
const managerState = systemctl('is-system-running').stdout.trim();
const hasManager = managerState === 'running' || managerState === 'degraded';

// An app as people write it: it writes a temp file and knows nothing of stale sockets.
const SERVER_JS = `const http = require('node:http');
require('node:fs').writeFileSync(require('node:path').join(require('node:os').tmpdir(), 'started'), process.env.COLOR);
http.createServer((req, res) => res.end('ok ' + process.env.COLOR)).listen(process.env.SOCKET_PATH, () => console.log('listening'));
`;

function getOverSocket(socketPath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    request({ socketPath, path: '/' }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve(body));
    })
      .on('error', reject)
      .end();
  });
}

describe.skipIf(!hasManager)('the reduced profile under a user manager', () => {
  const app = `tplprobe-${process.pid}`;
  const unitDir = join(runtimeDir, 'systemd', 'user');
  const unitName = `${app}@.service`;

  afterAll(() => {
    systemctl('stop', `${app}@blue.service`);
    systemctl('reset-failed', `${app}@blue.service`);
    rmSync(join(unitDir, unitName), { force: true });
    systemctl('daemon-reload');
  });

  it('starts a colour that answers on its socket, writes to its TMPDIR and logs to its file, over a stale socket file', async () => {
    // The root lies in /tmp, so this also covers leaving PrivateTmp out there.
    const config = configFrom({
      app,
      server: { type: 'local', root: tempDir('unit') },
      start: { command: ['node', 'server.js'] },
      systemd: { hardening: 'reduced' },
    });
    const layout = serverLayout(config);
    const files = renderAll(config, { live: 'blue' }, { releases: { blue: 'r1' } });
    writeFiles(files);
    mkdirSync(layout.release('r1'), { recursive: true });
    writeFileSync(join(layout.release('r1'), 'server.js'), SERVER_JS);
    mkdirSync(layout.colorsDir, { recursive: true });
    symlinkSync('../releases/r1', layout.colorLink('blue'));
    mkdirSync(layout.logDir, { recursive: true });
    mkdirSync(layout.colorTmpDir('blue'), { recursive: true });
    // What a killed app leaves behind: a socket file nobody listens on (listen() would fail with EADDRINUSE).
    spawnSync('python3', ['-c', 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])', layout.socket('blue')]);
    expect(lstatSync(layout.socket('blue')).isSocket()).toBe(true);
    mkdirSync(unitDir, { recursive: true });
    const unit = files.find((file) => basename(file.path) === unitName)!;
    copyFileSync(unit.path, join(unitDir, unitName));
    expect(systemctl('daemon-reload').status).toBe(0);
    const started = systemctl('start', `${app}@blue.service`);
    expect(started.stderr).toBe('');

    for (let i = 0; i < 50 && !existsSync(layout.socket('blue')); i++) await new Promise((r) => setTimeout(r, 100));
    expect(await getOverSocket(layout.socket('blue'))).toBe('ok blue');
    expect(readFileSync(layout.colorLog('blue'), 'utf8')).toContain('listening');
    expect(readFileSync(join(layout.colorTmpDir('blue'), 'started'), 'utf8')).toBe('blue');
  });
});
