import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type LiveState, RenderError, type RenderedFile, renderAll } from '../src/index';
import { DUMMY_SECRETS, loadInput } from './support';

/*
 * An injection corpus against every config key whose value reaches a rendered file (and the
 * secrets, whose values reach the env file and htpasswd). Each attempt must either be refused
 * when the config loads (the error names the key) or by a renderer (the error names the key,
 * never the value), or render inert: the same directives, with the same number of arguments,
 * in every file as a clean render.
 */

const ATTEMPTS = [
  'a;b',
  'x; include /etc/passwd;',
  'x }',
  '{',
  'a}server{listen 1;}',
  'a\nb',
  'a\r\nX-Injected: 1',
  'a\nExecStartPre=/bin/sh -c id',
  '$(id)',
  '`id`',
  '"',
  "'",
  'a"b',
  "a'b",
  'include /etc/nginx/nginx.conf',
  '../../etc',
  '/srv/../etc',
  '/srv/app/../../etc/shadow',
  'a\0b',
  '/srv/\0x',
  'x'.repeat(5000),
  `/${'a'.repeat(5000)}`,
  'ехample.com',
  '/ѕrv',
  'ｓｒｖ',
  '%n',
  '%i',
  '${HOME}',
  '$HOME',
  'a\\nb',
  'a # comment',
  ' leading space',
  'tab\tseparated',
  'a\u2028b',
  'a\u202eb',
  '~^.*$',
  'on; deny all',
  '0.0.0.0/0;',
  'if ($x) { return 200; }',
  '--help',
];

type Input = Record<string, unknown>;

/** A config that exercises every rendered key: TLS, staging host with both protections, assets, worker. */
function cleanInput(): Input {
  return {
    server: { type: 'local', root: '/srv' },
    start: { command: ['node', 'server.js'], worker: ['node', 'worker.js'] },
    nginx: {
      serverNames: ['shop.example.com'],
      listen: { address: '127.0.0.1', port: 8080 },
      tls: { certificate: '/etc/ssl/shop.pem', certificateKey: '/etc/ssl/shop.key' },
      staging: { host: 'next.example.com', allow: ['10.0.0.0/8'], basicAuth: { user: 'team', passwordSecret: 'STAGING_PASSWORD' } },
      clientMaxBodySize: '10m',
    },
    systemd: { user: 'catalog' },
    modules: ['web', 'api', 'worker'],
    env: { GREETING: 'hello' },
    secrets: ['STAGING_PASSWORD', 'SESSION_SECRET'],
    assets: { type: 'local', directory: '/srv/catalog/assets' },
    health: { path: '/health', checks: [{ name: 'db', path: '/health/db' }] },
  };
}

interface Target {
  /** The key as errors name it. */
  key: string;
  apply(input: Input, value: string, env: Record<string, string>): void;
  /** A valid value, when applying one changes the clean config's shape (staging by header, ports). */
  sample?: string;
}

/** Sets a value at a dotted path such as "nginx.tls.certificate" or "start.command.1". */
function setAt(input: Input, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = input as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[keys.at(-1)!] = value;
}

const at = (key: string, path = key.replace(/\[(\d+)\]/g, '.$1')): Target => ({ key, apply: (input, value) => setAt(input, path, value) });

const TARGETS: Target[] = [
  at('app'),
  at('server.root'),
  at('nginx.serverNames[0]'),
  at('nginx.listen.address'),
  at('nginx.tls.certificate'),
  at('nginx.tls.certificateKey'),
  at('nginx.staging.host'),
  {
    key: 'nginx.staging.header',
    apply: (input, value) => setAt(input, 'nginx.staging', { header: value, allow: ['10.0.0.0/8'] }),
    sample: 'X-Staging',
  },
  at('nginx.staging.allow[0]'),
  at('nginx.staging.basicAuth.user'),
  at('nginx.clientMaxBodySize'),
  at('assets.directory'),
  at('start.command[0]'),
  at('start.command[1]'),
  at('start.worker[1]'),
  {
    key: 'start.listen.address',
    apply: (input, value) => setAt(input, 'start.listen', { type: 'port', address: value, blue: 3001, green: 3002 }),
    sample: '127.0.0.1',
  },
  at('systemd.user'),
  at('health.path'),
  at('health.checks[0].path'),
  at('env.GREETING'),
  { key: 'env', apply: (input, value) => setAt(input, 'env', { [value]: 'x' }) },
  { key: 'secrets.STAGING_PASSWORD', apply: (_input, value, env) => void (env.STAGING_PASSWORD = value) },
  { key: 'secrets.SESSION_SECRET', apply: (_input, value, env) => void (env.SESSION_SECRET = value) },
];

const LIVE: LiveState = { live: 'blue', canary: { color: 'green', percent: 10 } };

/** nginx statements as "depth:name/arguments", blocks included; quoted strings are one token. */
function nginxSkeleton(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let tokens: string[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '#') i = text.indexOf('\n', i) === -1 ? text.length : text.indexOf('\n', i);
    else if (/\s/.test(c)) i++;
    else if (c === ';' || c === '{') {
      out.push(`${depth}:${tokens[0]}/${tokens.length}${c}`);
      if (c === '{') depth++;
      tokens = [];
      i++;
    } else if (c === '}') {
      depth--;
      out.push(`${depth}:}`);
      i++;
    } else {
      let j = i;
      if (c === '"' || c === "'") {
        j++;
        while (j < text.length && text[j] !== c) j += text[j] === '\\' ? 2 : 1;
        j++;
      } else while (j < text.length && !/[\s;{}]/.test(text[j]!)) j += text[j] === '\\' ? 2 : 1;
      tokens.push(text.slice(i, j));
      i = j;
    }
  }
  return out;
}

/** The shape of a file: what an injection would have to change to add a directive. */
function skeleton(file: RenderedFile): string[] {
  const name = basename(file.path);
  if (name.endsWith('.conf')) return nginxSkeleton(file.content);
  const lines = file.content.split('\n');
  if (name.endsWith('.service') || name === 'env') return lines.map((line) => line.split('=')[0]!.replace(/^[A-Z_0-9]+$/, 'NAME'));
  if (name === 'htpasswd') return lines.map((line) => `${line.split(':').length} fields`);
  return [`${lines.length} lines`];
}

function shape(files: RenderedFile[]): string[][] {
  return files.map((file) => [basename(file.path), ...skeleton(file)]);
}

type Outcome = 'refused by config' | 'refused by renderer' | 'inert';

function attempt(target: Target, value: string): Outcome {
  const input = cleanInput();
  const env: Record<string, string> = { ...DUMMY_SECRETS };
  target.apply(input, value, env);
  const { config, errors } = loadInput(input, env);
  if (!config) {
    expect(errors.some((e) => e.path.startsWith(target.key)), JSON.stringify(errors)).toBe(true);
    return 'refused by config';
  }
  let files: RenderedFile[];
  try {
    files = renderAll(config, LIVE, { releases: { blue: 'r1' } });
  } catch (error) {
    expect(error).toBeInstanceOf(RenderError);
    expect((error as Error).message).toContain(target.key);
    // Very short values (a quote) can occur in any message; longer ones must not.
    if (value.length >= 4) expect((error as Error).message).not.toContain(value);
    return 'refused by renderer';
  }
  const clean = cleanInput();
  if (target.sample !== undefined) target.apply(clean, target.sample, {});
  const baseline = loadInput(clean);
  if (!baseline.config) throw new Error(`baseline for ${target.key}: ${JSON.stringify(baseline.errors)}`);
  expect(shape(files)).toEqual(shape(renderAll(baseline.config, LIVE, { releases: { blue: 'r1' } })));
  return 'inert';
}

describe('injection corpus', () => {
  it(`has at least 30 attempts`, () => expect(ATTEMPTS.length).toBeGreaterThanOrEqual(30));

  for (const target of TARGETS) {
    it(`${target.key}: every attempt is refused or inert`, () => {
      const outcomes = new Map<Outcome, number>();
      for (const value of ATTEMPTS) {
        const outcome = attempt(target, value);
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      }
      expect([...outcomes.values()].reduce((a, b) => a + b)).toBe(ATTEMPTS.length);
    });
  }
});
