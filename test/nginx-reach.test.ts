import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { liveProject } from './support/live-project';

/*
 * The health gate probes as root, and root reaches any socket. nginx's workers do not (nobody or
 * www-data): a release whose socket they cannot open must fail its gate, not get the traffic.
 */

// An app that locks its own socket down to its user.
const PRIVATE_SOCKET_APP = `
const http = require('node:http');
const fs = require('node:fs');
http.createServer((req, res) => res.end('ok')).listen(process.env.SOCKET_PATH, () => fs.chmodSync(process.env.SOCKET_PATH, 0o600));
`;

describe.skipIf(process.getuid?.() !== 0)("a socket nginx's workers cannot open", () => {
  it('fails the gate with the reason, and the live colour keeps the traffic', async ({ onTestFinished }) => {
    const project = await liveProject({ onTestFinished }, 19138);

    const source = join(project.dir, 'src', 'private-socket');
    mkdirSync(source, { recursive: true });
    writeFileSync(join(source, 'server.js'), PRIVATE_SOCKET_APP);
    // Something to publish (the project publishes public/): this release fails later, at its gate.
    mkdirSync(join(source, 'public'));
    writeFileSync(join(source, 'public', 'robots.txt'), 'User-agent: *\n');
    project.configure({ build: { install: ['true'] }, health: { expectText: 'ok', checks: [] } });
    const refused = await project.deploy(source);
    expect(refused.code, refused.stdout).toBe(1);
    expect(refused.stderr).toMatch(/green failed its health gate: it answers, but nginx's workers \(uid 65534, groups [\d,]+\) cannot connect to its socket: .*green\.sock \(mode 600, owner 0:\d+\) is not writable/);
    expect(await project.liveColor()).toBe('blue');
    expect((await project.get('/api/products')).status).toBe(200);
    expect(project.colorPid('green')).toBeUndefined();
  });
});
