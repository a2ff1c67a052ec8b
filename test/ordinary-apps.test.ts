import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadResult } from '@switchyard/demo';
import { describe, expect, it } from 'vitest';
import { REPO } from './support/cli';
import { deployProject, type DeployProject } from './support/deploy-project';
import { describeLoad, type LoadPaths, operationsUnderLoad } from './support/under-load';

/*
 * Apps as people write them — they know nothing of Switchyard: no drain, no chmod of their
 * socket, no stale-socket handling — each deployed 10 times and switched 10 times under 32 GET +
 * 32 POST connections, on a unix socket and on a port. Not one request may fail, read errors
 * included. Each case has its own nginx port (19140–19149) and deploy root.
 */

const FIXTURES = join(REPO, 'test/fixtures/apps');
const EXPRESS = join(FIXTURES, 'express-app');
const DJANGO = join(REPO, 'examples/django-site');

type Json = Record<string, unknown>;
type Listen = 'socket' | 'port';

interface AppCase {
  name: string;
  source: string;
  listen: Listen;
  supervisor: 'plain' | 'systemd';
  config: Json;
  paths: LoadPaths;
  /** Secrets the app needs, written to the project's .env file. */
  secrets?: Record<string, string>;
  /** What else must hold once the load has ended. */
  afterLoad?(project: DeployProject, post: LoadResult): void;
}

const npmInstall = { install: ['npm', 'ci', '--omit=dev', '--no-audit', '--no-fund'], lockfile: 'package-lock.json' };
const healthChecks = { path: '/health', expectText: 'ok', checks: [{ name: 'db', path: '/health/db' }, { name: 'cache', path: '/health/cache' }] };
const expressPaths: LoadPaths = { get: '/api/products', post: '/api/orders', postBody: '{"items":[{"productId":1,"quantity":2}]}' };

/** examples/django-site as its README deploys it: Debian's gunicorn, migrations as the build, SQLite in a shared dir. */
function django(workers: string[], listen: Listen, supervisor: AppCase['supervisor']): AppCase {
  const bind = listen === 'socket' ? 'unix:${SOCKET_PATH}' : '${HOST}:${PORT}';
  return {
    name: `Django under gunicorn, ${workers.includes('gthread') ? 'gthread' : 'sync'} workers`,
    source: DJANGO,
    listen,
    supervisor,
    config: {
      build: { build: ['/usr/bin/python3', 'manage.py', 'migrate', '--noinput'] },
      start: { command: ['/usr/bin/gunicorn', '--bind', bind, ...workers, 'mysite.wsgi'] },
      shared: { dirs: ['data'] },
      secrets: ['DJANGO_SECRET_KEY'],
    },
    secrets: { DJANGO_SECRET_KEY: 'a-test-key-for-the-django-example-site-0123456789' },
    paths: { get: '/api/products', post: '/api/orders', postBody: '{"items":[1,2]}' },
  };
}

const GTHREAD = ['--worker-class', 'gthread', '--workers', '2', '--threads', '4'];
const SYNC = ['--workers', '3'];

const CASES: AppCase[] = [
  django(GTHREAD, 'socket', 'systemd'),
  django(GTHREAD, 'port', 'plain'),
  django(SYNC, 'socket', 'plain'),
  django(SYNC, 'port', 'systemd'),
  {
    name: 'Express, no SIGTERM handler',
    source: EXPRESS,
    listen: 'socket',
    supervisor: 'plain',
    config: { build: npmInstall, start: { command: ['node', 'server.js'] } },
    paths: expressPaths,
  },
  {
    name: 'Express, server.close() on SIGTERM',
    source: EXPRESS,
    listen: 'socket',
    supervisor: 'systemd',
    config: { build: npmInstall, start: { command: ['node', 'server-close.js'] } },
    paths: expressPaths,
  },
  {
    name: 'Express, no SIGTERM handler',
    source: EXPRESS,
    listen: 'port',
    supervisor: 'systemd',
    config: { build: npmInstall, start: { command: ['node', 'server.js'] } },
    paths: expressPaths,
  },
  {
    name: 'Express listening only on a port',
    source: EXPRESS,
    listen: 'port',
    supervisor: 'plain',
    config: { build: npmInstall, start: { command: ['node', 'server-port.js'] } },
    paths: expressPaths,
  },
  {
    name: 'Express keeping its orders in a data file',
    source: EXPRESS,
    listen: 'socket',
    supervisor: 'systemd',
    config: { build: npmInstall, start: { command: ['node', 'server-data.js'] }, shared: { dirs: ['data'] } },
    paths: { get: '/api/products', post: '/api/ledger', postBody: '{"items":[{"productId":1,"quantity":2}]}' },
    afterLoad(project, post) {
      // Every answered order is in the one shared file, whichever colour and release took it.
      const lines = readFileSync(join(project.appRoot, 'shared/data/orders.jsonl'), 'utf8').split('\n').filter(Boolean);
      expect(lines.length).toBeGreaterThanOrEqual(post.requests);
      expect(new Set(lines.map((line) => (JSON.parse(line) as { color: string }).color))).toEqual(new Set(['blue', 'green']));
    },
  },
];

// CI runs a shorter form (2 and 2: a switching deploy, and a --no-switch one followed by two warm
// switches — every path of the 10 and 10): the suite must end within 20 minutes on a 2-core
// machine (4 and 4 took it to 19.6 minutes); `pnpm bench:apps` runs the 10 and 10 and prints the figures.
const COUNTS = process.env.CI ? { deploys: 2, switches: 2 } : { deploys: 10, switches: 10 };

describe(`ordinary apps under load: ${COUNTS.deploys} deploys and ${COUNTS.switches} switches lose no request`, () => {
  CASES.forEach((app, i) => {
    it(`${app.name} (${app.listen}, ${app.supervisor})`, { timeout: 300_000 }, async ({ onTestFinished }) => {
      const project = await deployProject(19140 + i, { supervisor: app.supervisor, ...app.config }, { base: { app: 'shop', health: healthChecks } });
      onTestFinished(() => project.cleanup());
      if (app.secrets)
        writeFileSync(join(project.dir, '.env'), Object.entries(app.secrets).map(([name, value]) => `${name}=${value}\n`).join(''), { mode: 0o600 });
      // The colours' ports, when they have ports, follow the project's own (reserved) nginx port.
      const listen = app.listen === 'port' ? { type: 'port', blue: project.port + 200, green: project.port + 300 } : { type: 'socket' };
      // nginx.drainMs at its default: the bound on the wait, which the drains must not reach.
      project.configure({ start: { listen }, health: { timeoutMs: 30_000 }, nginx: { drainMs: 5000 }, systemd: { stopTimeoutSec: 10 } });
      const first = await project.deploy(app.source);
      expect(first.code, first.stdout + first.stderr).toBe(0);

      const { get, post, operations } = await operationsUnderLoad(project, app.source, app.paths, COUNTS);
      const summary = `${app.name}: ${describeLoad('GET', get)}; ${describeLoad('POST', post)}`;
      console.log(summary);
      expect(get.requests, summary).toBeGreaterThan(1000);
      expect(post.requests, summary).toBeGreaterThan(1000);
      expect([get.non2xx, get.socketErrors, post.non2xx, post.socketErrors], summary).toEqual([
        0,
        { connect: 0, read: 0, write: 0, timeout: 0 },
        0,
        { connect: 0, read: 0, write: 0, timeout: 0 },
      ]);
      // Every deploy that switched stopped the old colour only once nginx held no connection to it,
      // never at the drain's time limit.
      const switchingDeploys = operations.filter((op) => /^deploy \d+$/.test(op.name));
      expect(switchingDeploys).toHaveLength(COUNTS.deploys / 2);
      for (const op of switchingDeploys) expect(op.output, op.name).toMatch(/nginx had no connection left to \w+ after/);
      expect(operations.filter((op) => /still had \d+ connection/.test(op.output)).map((op) => op.name), summary).toEqual([]);
      app.afterLoad?.(project, post);
    });
  });
});

async function postJson(port: number, path: string, body: unknown): Promise<{ status: number; body: string }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: await response.text() };
}

describe('an app that writes a data file (json-server)', () => {
  it('runs under systemd with its data in a shared directory, which outlives its releases', { timeout: 120_000 }, async ({ onTestFinished }) => {
    const project = await deployProject(19139, {
      supervisor: 'systemd',
      build: npmInstall,
      start: { command: ['node', 'start.js', '--host', '${HOST}', '--port', '${PORT}', 'data/db.json'] },
      shared: { dirs: ['data'] },
      health: { path: '/products', expectText: 'Espresso', checks: [] },
    }, { base: { app: 'shop' } });
    onTestFinished(() => project.cleanup());
    project.configure({ start: { listen: { type: 'port', blue: project.port + 200, green: project.port + 300 } } });
    const source = join(REPO, 'test/fixtures/apps/json-store');
    const first = await project.deploy(source);
    expect(first.code, first.stdout + first.stderr).toBe(0);

    // The release is read-only to the unit; data/ is the shared directory, writable.
    const order = await postJson(project.port, '/orders', { items: [7] });
    expect(order.status).toBe(201);
    const second = await project.deploy(source);
    expect(second.code, second.stdout + second.stderr).toBe(0);
    const orders = await project.get('/orders');
    expect(JSON.parse(orders.body)).toEqual([expect.objectContaining({ items: [7] })]);
    expect(readFileSync(join(project.appRoot, 'shared/data/db.json'), 'utf8')).toContain('"items"');
  });
});
