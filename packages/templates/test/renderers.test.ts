import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  bucketLinks,
  execStart,
  renderAll,
  renderColorEnv,
  renderEnvFile,
  renderHtpasswd,
  renderLiveColor,
  renderLiveConf,
  RenderError,
  serverLayout,
} from '../src/index';
import { Secret } from '@switchyard/config';
import { configFrom, DUMMY_SECRETS, shippedConfig } from './support';

const socketConfig = () => configFrom({ server: { type: 'local', root: '/srv' } });
const portConfig = () =>
  configFrom({ server: { type: 'local', root: '/srv' }, start: { command: ['node', 'server.js'], listen: { type: 'port', blue: 3001, green: 3002 } } });

describe('live state', () => {
  it('renders the colour file', () => {
    expect(renderLiveColor({ live: 'blue' })).toBe('blue\n');
    expect(renderLiveColor({ live: 'blue', canary: { color: 'green', percent: 10 } })).toBe('blue 90% green 10%\n');
  });

  it('refuses impossible canaries', () => {
    for (const canary of [
      { color: 'green', percent: 0 },
      { color: 'green', percent: 100 },
      { color: 'green', percent: 12.5 },
      { color: 'blue', percent: 10 },
    ] as const)
      expect(() => renderLiveColor({ live: 'blue', canary })).toThrow(RenderError);
  });

  it('renders one live.conf for every mode: switches and canaries rename links only, never a reload', () => {
    expect(renderLiveConf(portConfig())).toBe(renderLiveConf(socketConfig()));
  });

  it('splits socket-mode clients into 100 fixed buckets of 1%, each upstream on its two links', () => {
    const config = socketConfig();
    const text = renderLiveConf(config);
    expect(text).toContain('$cookie_switchyard_canary');
    expect(text).toContain('1% catalog_b00;');
    expect(text).toContain('1% catalog_b98;');
    expect(text).toContain('* catalog_b99;');
    expect(text.match(/^ {4}1% /gm)).toHaveLength(99);
    const site = renderAll(config, { live: 'blue' })[0]!.content;
    expect(site).toContain('upstream catalog_b42 {\n    server unix:/srv/catalog/run/buckets/42.sock max_fails=0;\n    server unix:/srv/catalog/run/buckets/42.backup.sock max_fails=0 backup;');
    expect(site.match(/^upstream catalog_b\d\d /gm)).toHaveLength(100);
  });

  it('points canary buckets 00..P-1 at idle.sock (backup live.sock), the rest the other way round', () => {
    const layout = serverLayout(socketConfig());
    const links = bucketLinks(layout, 3);
    expect(links).toHaveLength(200);
    expect(links.slice(4, 8)).toEqual([
      { path: '/srv/catalog/run/buckets/02.sock', target: '../idle.sock' },
      { path: '/srv/catalog/run/buckets/02.backup.sock', target: '../live.sock' },
      { path: '/srv/catalog/run/buckets/03.sock', target: '../live.sock' },
      { path: '/srv/catalog/run/buckets/03.backup.sock', target: '../idle.sock' },
    ]);
    expect(bucketLinks(layout, 0).every((l) => l.target === (l.path.endsWith('.backup.sock') ? '../idle.sock' : '../live.sock'))).toBe(true);
    for (const bad of [-1, 100, 2.5]) expect(() => bucketLinks(layout, bad)).toThrow(RenderError);
  });

  it('puts an nginx front on run/<colour>.sock before each port, so port-only apps switch by link too', () => {
    const site = renderAll(portConfig(), { live: 'blue' })[0]!.content;
    expect(site).toContain('upstream catalog_green {\n    server 127.0.0.1:3002 max_fails=0;');
    expect(site).toContain('server {\n    listen unix:/srv/catalog/run/green.sock;');
    expect(site).toContain('proxy_pass http://catalog_green;');
    expect(site).toContain('upstream catalog_b42 {\n    server unix:/srv/catalog/run/buckets/42.sock max_fails=0;');
    // With sockets the only listener of nginx's own is the check socket.
    expect(renderAll(socketConfig(), { live: 'blue' })[0]!.content.match(/listen unix:.*/g)).toEqual(['listen unix:/srv/catalog/run/check.sock;']);
  });
});

describe('env files', () => {
  it('tells each colour where to listen', () => {
    expect(renderColorEnv(socketConfig(), 'green', 'r1')).toContain("SOCKET_PATH='/srv/catalog/run/green.sock'");
    const port = renderColorEnv(portConfig(), 'green', 'r1');
    expect(port).toContain("PORT='3002'");
    expect(port).toContain("COLOR='green'");
    expect(port).toContain("RELEASE_ID='r1'");
    expect(port).toContain("FEATURE_API='1'");
    expect(port).toContain("TMPDIR='/srv/catalog/tmp/green'");
  });

  it('refuses a release id that is not a plain name', () => {
    expect(() => renderColorEnv(socketConfig(), 'blue', '../x')).toThrow(RenderError);
  });

  it('refuses a secret it cannot write literally, naming it but not its value', () => {
    const config = shippedConfig('production');
    const value = "it's-a-secret";
    const bad = { ...config, secretValues: { ...config.secretValues, SESSION_SECRET: new Secret('SESSION_SECRET', value) } };
    expect(() => renderEnvFile(bad)).toThrow(/secrets\.SESSION_SECRET/);
    expect(() => renderEnvFile(bad)).not.toThrow(value);
  });
});

describe('secrets', () => {
  it('reach only the env file; htpasswd holds a salted hash', () => {
    const files = renderAll(shippedConfig('production'), { live: 'blue' });
    for (const file of files) {
      if (file.path.endsWith('/shared/env')) continue;
      for (const value of Object.values(DUMMY_SECRETS)) expect(file.content).not.toContain(value);
    }
    expect(files.find((f) => f.path.endsWith('/shared/env'))).toMatchObject({ mode: 0o600, secret: true });
    expect(files.find((f) => f.path.endsWith('/htpasswd'))).toMatchObject({ mode: 0o640, group: 'nginx', secret: true });
    expect(files.filter((f) => f.secret).map((f) => f.path.slice(f.path.lastIndexOf('/') + 1))).toEqual(['htpasswd', 'env']);
  });

  it('hashes the staging password as {SSHA}, with a stable salt', () => {
    const config = shippedConfig('production');
    const line = renderHtpasswd(config)!;
    expect(renderHtpasswd(config)).toBe(line);
    const raw = Buffer.from(line.trim().split(':{SSHA}')[1]!, 'base64');
    const [digest, salt] = [raw.subarray(0, 20), raw.subarray(20)];
    expect(createHash('sha1').update(DUMMY_SECRETS.STAGING_PASSWORD).update(salt).digest()).toEqual(digest);
  });
});

describe('execStart', () => {
  it('keeps an absolute program, and finds a bare one with /usr/bin/env', () => {
    expect(execStart(['/usr/bin/node', 'server.js'], 'start.command')).toBe('/usr/bin/node server.js');
    expect(execStart(['node', '--max-old-space-size=512', 'server.js'], 'start.command')).toBe('/usr/bin/env node --max-old-space-size=512 server.js');
  });

  it('leaves a colour variable for systemd to expand within its one argument', () => {
    expect(execStart(['gunicorn', '--bind', 'unix:${SOCKET_PATH}'], 'start.command')).toBe('/usr/bin/env gunicorn --bind unix:${SOCKET_PATH}');
    expect(() => execStart(['sh', '-c', '$HOME'], 'start.command')).toThrow(/start\.command\[2\]/);
  });

  it('refuses an argument outside the allow-list', () => {
    expect(() => execStart(['node', 'a b'], 'start.command')).toThrow(/start\.command\[1\]/);
  });
});
