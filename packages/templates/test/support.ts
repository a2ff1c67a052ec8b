import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { type Config, type LoadResult } from '@switchyard/config';
import { loadConfig } from '@switchyard/config/validation';
import type { LiveState, RenderedFile } from '../src/index';

export const CONFIG_DIR = resolve(import.meta.dirname, '../../../config');

/** Dummy values for every secret a shipped environment names; never real ones. */
export const DUMMY_SECRETS = {
  SESSION_SECRET: 'dummy-session-secret',
  DATABASE_URL: 'postgres://catalog:dummy@db.internal:5432/catalog',
  STAGING_PASSWORD: 'dummy-staging-password',
  AWS_ACCESS_KEY_ID: 'AKIADUMMY',
  AWS_SECRET_ACCESS_KEY: 'dummy-aws-secret',
};

export const RELEASE = '20260101T000000Z-abc1234';

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `sy-templates-${prefix}-`));
}

function mustLoad(result: LoadResult, what: string): Config {
  if (!result.config) throw new Error(`${what}: ${JSON.stringify(result.errors)}`);
  return result.config;
}

export function shippedConfig(environment: string): Config {
  return mustLoad(loadConfig({ environment, configDir: CONFIG_DIR, processEnv: DUMMY_SECRETS }), environment);
}

/** Loads `input` as config/test.json over the shipped base.json, from a fresh config directory. */
export function loadInput(input: object, processEnv: Record<string, string> = DUMMY_SECRETS): LoadResult {
  const dir = tempDir('config');
  copyFileSync(join(CONFIG_DIR, 'base.json'), join(dir, 'base.json'));
  writeFileSync(join(dir, 'test.json'), JSON.stringify({ $schema: './schema.json', ...input }));
  try {
    return loadConfig({ environment: 'test', configDir: dir, cwd: dir, processEnv });
  } finally {
    // The injection corpus loads about a thousand configs; keep /tmp tidy.
    rmSync(dir, { recursive: true, force: true });
  }
}

export function configFrom(input: object): Config {
  return mustLoad(loadInput(input), JSON.stringify(input));
}

export interface Case {
  name: string;
  config: Config;
  live: LiveState;
}

const local = { type: 'local', root: '/srv' };

/** The option matrix: TLS on/off, socket or port, canary weights, modules on/off, staging kinds. */
export function matrixCases(): Case[] {
  return [
    {
      name: 'socket-plain',
      config: configFrom({ server: local, modules: ['web'], supervisor: 'systemd' }),
      live: { live: 'blue' },
    },
    {
      name: 'socket-canary-10-staging-header',
      config: configFrom({
        server: local,
        nginx: { staging: { header: 'X-Switchyard-Staging', allow: ['127.0.0.1', '10.0.0.0/8'] } },
        systemd: { hardening: 'reduced' },
      }),
      live: { live: 'blue', canary: { color: 'green', percent: 10 } },
    },
    {
      name: 'port-tls-staging-host',
      config: configFrom({
        server: local,
        start: { command: ['/usr/bin/node', 'server.js'], listen: { type: 'port', blue: 3001, green: 3002 } },
        nginx: {
          tls: { certificate: '/etc/ssl/catalog.pem', certificateKey: '/etc/ssl/catalog.key', port: 8443 },
          staging: { host: 'next.example.com', basicAuth: { user: 'team', passwordSecret: 'STAGING_PASSWORD' } },
        },
        secrets: ['STAGING_PASSWORD'],
      }),
      live: { live: 'blue' },
    },
    {
      name: 'port-green-canary-50',
      config: configFrom({
        // An app name with "-": nginx identifiers cannot hold one.
        app: 'my-shop',
        server: local,
        start: { command: ['node', 'server.js'], listen: { type: 'port', address: '::1', blue: 3001, green: 3002 } },
        nginx: { mode: 'system', listen: { address: '::1', port: 8081 } },
      }),
      live: { live: 'green', canary: { color: 'blue', percent: 50 } },
    },
    {
      name: 'modules-api-worker-assets',
      config: configFrom({
        server: local,
        modules: ['api', 'worker'],
        systemd: { user: 'catalog', hardening: 'strict' },
        assets: { type: 'local', directory: '/srv/catalog/assets', precompress: ['gzip', 'br'] },
        env: { NODE_ENV: 'production', GREETING: 'hello; world {ok} # not a comment' },
      }),
      live: { live: 'green' },
    },
    {
      name: 'modules-all-plain-processes',
      config: configFrom({ server: local, modules: ['web', 'api', 'admin', 'worker'], supervisor: 'plain' }),
      live: { live: 'blue' },
    },
  ];
}

export function shippedCases(): Case[] {
  return ['local', 'staging', 'production'].map((environment) => ({
    name: `env-${environment}`,
    config: shippedConfig(environment),
    live: { live: 'blue' },
  }));
}

/** The same config with every server path under `root` (and nginx on a loopback port). */
export function reroot(config: Config, root: string, port: number): Config {
  const tls = config.nginx.tls && { ...config.nginx.tls, ...selfSignedCertificate(root), port: port + 1 };
  return {
    ...config,
    server: { ...config.server, root: join(root, config.server.root) },
    nginx: { ...config.nginx, listen: { address: '127.0.0.1', port }, tls },
  };
}

function selfSignedCertificate(dir: string): { certificate: string; certificateKey: string } {
  const certificate = join(dir, 'tls', 'cert.pem');
  const certificateKey = join(dir, 'tls', 'key.pem');
  mkdirSync(dirname(certificate), { recursive: true });
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=localhost', '-keyout', certificateKey, '-out', certificate], {
    stdio: 'ignore',
  });
  return { certificate, certificateKey };
}

export function writeFiles(files: RenderedFile[]): void {
  for (const file of files) {
    mkdirSync(dirname(file.path), { recursive: true });
    writeFileSync(file.path, file.content, { mode: file.mode });
  }
}

/** Runs a tool; returns its exit status and combined output instead of throwing. */
export function run(program: string, args: string[]): { status: number; output: string } {
  const result = spawnSync(program, args, { encoding: 'utf8' });
  return { status: result.status ?? 1, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
}
