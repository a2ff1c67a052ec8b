import { spawnSync } from 'node:child_process';
import { request } from 'node:https';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deployProject, get, reservePort } from './support/deploy-project';

/*
 * With TLS on, the public HTTP port only redirects: the check after a switch must not depend on it
 * (it goes through nginx's own socket, run/check.sock), or every switch would be undone.
 */

function httpsGet(port: number, path: string): Promise<{ status: number; color: string | undefined }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, rejectUnauthorized: false, servername: 'localhost', agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, color: res.headers['x-app-color'] as string | undefined }));
    })
      .on('error', reject)
      .end();
  });
}

describe('a site with TLS on', () => {
  it('deploys, switches and confirms the switch; HTTPS serves the new colour, HTTP redirects', async ({ onTestFinished }) => {
    const project = await deployProject(19136);
    onTestFinished(() => project.cleanup());
    const tlsPort = await reservePort(19135);
    onTestFinished(() => tlsPort.release());
    const tls = join(project.dir, 'tls');
    mkdirSync(tls);
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-keyout', join(tls, 'key.pem'), '-out', join(tls, 'cert.pem')], { encoding: 'utf8' });
    expect(made.status, made.stderr).toBe(0);
    project.configure({ nginx: { tls: { certificate: join(tls, 'cert.pem'), certificateKey: join(tls, 'key.pem'), port: tlsPort.port } } });

    const first = await project.deploy(await project.release('1.0.0'));
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const second = await project.deploy(await project.release('2.0.0'));
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(second.stdout).toMatch(/Confirm through nginx\n {4}✓/);

    expect(await httpsGet(tlsPort.port, '/api/products')).toEqual({ status: 200, color: 'green' });
    expect((await get(project.port, '/api/products')).status).toBe(301);
  });
});
