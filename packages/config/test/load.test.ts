import { describe, expect, it } from 'vitest';
import { formatProblem } from '../src';
import { loadConfig } from '../src/validation';
import { MINIMAL, tempProject } from './temp-project';

const load = (root: string, environment = 'production', processEnv: Record<string, string> = {}) =>
  loadConfig({ environment, cwd: root, processEnv });
const lines = (result: ReturnType<typeof load>) => result.errors.map(formatProblem);

describe('loadConfig', () => {
  it('fills every default into a minimal file', () => {
    const { config, errors } = load(tempProject({ 'production.json': MINIMAL }));
    expect(errors).toEqual([]);
    expect(config?.health).toMatchObject({ path: '/health', expectStatus: 200, timeoutMs: 30_000, checks: [] });
    expect(config?.nginx).toMatchObject({ mode: 'private', drainMs: 5000, listen: { address: '127.0.0.1', port: 8080 } });
    expect(config?.start.listen).toEqual({ type: 'socket' });
    expect(config?.modules).toEqual(['web']);
    expect(config?.environment).toBe('production');
  });

  it('takes an SSH server as ssh itself would: an alias in any case, user and port left to the SSH config', () => {
    const server = { type: 'ssh', host: 'WEB_1', root: '/srv', ssh: { configFile: 'deploy/ssh_config', jumpHost: 'ops@bastion.example.com:2222' } };
    const { config, errors } = load(tempProject({ 'production.json': { ...MINIMAL, server } }));
    expect(errors).toEqual([]);
    expect(config?.server).toEqual({ ...server, privilege: 'none', parallel: 8, ssh: { ...server.ssh, connectTimeoutSec: 10 } });
  });

  it('layers the environment over base.json: objects deeply, arrays replaced', () => {
    const root = tempProject({
      'base.json': { app: 'shop', modules: ['web', 'api'], nginx: { drainMs: 8000, serverNames: ['a.example.com'] } },
      'production.json': { ...MINIMAL, app: undefined, modules: ['api'], nginx: { serverNames: ['b.example.com'] } },
    });
    const { config, errors } = load(root);
    expect(errors).toEqual([]);
    expect(config?.app).toBe('shop');
    expect(config?.modules).toEqual(['api']);
    expect(config?.nginx.drainMs).toBe(8000);
    expect(config?.nginx.serverNames).toEqual(['b.example.com']);
  });

  it('blames the base file for a bad value that only the base holds', () => {
    const root = tempProject({ 'base.json': { keep: 'many' }, 'production.json': MINIMAL });
    expect(lines(load(root))).toEqual(['config/base.json: keep: expected a number of releases, got a string']);
  });

  it('reports every problem at once, one line each, with the key path', () => {
    const root = tempProject({
      'production.json': {
        ...MINIMAL,
        health: { timeoutMs: '30s', intervalMs: -1 },
        nginx: { listen: { port: 70000 } },
        modules: ['web', 'blog'],
      },
    });
    expect(lines(load(root))).toEqual([
      'config/production.json: health.intervalMs: expected a number of milliseconds, 0 or more',
      'config/production.json: health.timeoutMs: expected a number of milliseconds, got a string',
      'config/production.json: nginx.listen.port: expected a TCP port from 1 to 65535',
      'config/production.json: modules[1]: expected one of web, api, admin, worker',
    ]);
  });

  it('rejects unknown keys and suggests the closest known one', () => {
    const root = tempProject({ 'production.json': { ...MINIMAL, helth: {}, nginx: { drainMS: 1 } } });
    expect(lines(load(root))).toEqual([
      'config/production.json: nginx.drainMS: unknown key; did you mean "drainMs"?',
      'config/production.json: helth: unknown key; did you mean "health"?',
    ]);
  });

  it('names a missing required key', () => {
    const { app: _app, ...withoutApp } = MINIMAL;
    const result = load(tempProject({ 'production.json': withoutApp }));
    expect(lines(result)).toEqual([
      'config/production.json: app: is required (expected 2–32 lowercase letters, digits or "-", starting with a letter)',
    ]);
  });

  it('gives file:line:column for JSON syntax errors', () => {
    const root = tempProject({ 'production.json': '{\n  "app": "shop",\n  "keep": 5,\n}\n' });
    expect(lines(load(root))).toEqual(['config/production.json:3:12: invalid JSON: a trailing comma before }, which strict JSON does not allow']);
  });

  it('checks references between keys', () => {
    const root = tempProject({
      'production.json': {
        ...MINIMAL,
        modules: ['web', 'worker'],
        nginx: { drainMs: 40_000, staging: { header: 'X-Next', basicAuth: { user: 'team', passwordSecret: 'STAGING_PASSWORD' } } },
      },
    });
    expect(lines(load(root))).toEqual([
      'config/production.json: nginx.staging.basicAuth.passwordSecret: names secret STAGING_PASSWORD, which is not listed in "secrets"',
      'config/production.json: start.worker: expected a command, because the worker module is enabled',
      'config/production.json: systemd.stopTimeoutSec: expected more than the drain (nginx.drainMs = 40000 ms)',
    ]);
  });

  it('keeps the S3 keys with the deployer: deploySecrets are loaded and named when missing, and a key listed for the app is refused', () => {
    const s3 = { type: 's3', bucket: 'shop-assets', region: 'eu-west-1', credentials: {} };
    const forTheApp = tempProject({ 'production.json': { ...MINIMAL, secrets: ['AWS_ACCESS_KEY_ID'], deploySecrets: ['AWS_SECRET_ACCESS_KEY'], assets: s3 } });
    expect(lines(load(forTheApp))).toEqual([
      'config/production.json: assets.credentials.accessKeyIdSecret: names secret AWS_ACCESS_KEY_ID, which is listed in "secrets" and so written to the server for the app; move it to "deploySecrets"',
    ]);
    const unlisted = tempProject({ 'production.json': { ...MINIMAL, assets: s3 } });
    expect(lines(load(unlisted))[0]).toBe('config/production.json: assets.credentials.accessKeyIdSecret: names secret AWS_ACCESS_KEY_ID, which is not listed in "deploySecrets"');

    const listed = tempProject({ 'production.json': { ...MINIMAL, deploySecrets: ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'], assets: s3 } });
    expect(lines(load(listed))).toEqual([
      expect.stringMatching(/^config\/production\.json: deploySecrets\.AWS_ACCESS_KEY_ID: required secret is not set/),
      expect.stringMatching(/^config\/production\.json: deploySecrets\.AWS_SECRET_ACCESS_KEY: required secret is not set/),
    ]);
    const loaded = load(listed, 'production', { AWS_ACCESS_KEY_ID: 'AKIATEST', AWS_SECRET_ACCESS_KEY: 'not-for-the-server' }).config;
    expect(loaded?.secretValues.AWS_SECRET_ACCESS_KEY?.reveal()).toBe('not-for-the-server');
    expect(loaded?.secrets).toEqual([]);
  });

  it('publishes the release\'s public/ folder unless assets.from says otherwise, and wants the URL of a CloudFront distribution', () => {
    const local = tempProject({ 'production.json': { ...MINIMAL, assets: { type: 'local', directory: '/srv/assets' } } });
    expect(load(local).config?.assets).toEqual({ type: 'local', from: 'public', directory: '/srv/assets', precompress: [] });
    const outside = tempProject({ 'production.json': { ...MINIMAL, assets: { type: 'local', from: '../static', directory: '/srv/assets' } } });
    expect(lines(load(outside))).toEqual(['config/production.json: assets.from: expected a relative path of letters, digits and ._/@+=,- without ".."']);
    const cdn = { type: 's3', bucket: 'shop-assets', region: 'eu-west-1', cloudfrontDistribution: 'E2EXAMPLE12345' };
    expect(lines(load(tempProject({ 'production.json': { ...MINIMAL, assets: cdn } })))).toEqual([
      "config/production.json: assets.baseUrl: expected the distribution's URL, because cloudfrontDistribution is set: pages load the assets through it",
    ]);
  });

  it('names an unknown environment and lists the known ones', () => {
    const root = tempProject({ 'production.json': MINIMAL, 'staging.json': MINIMAL });
    expect(lines(load(root, 'prod'))).toEqual([
      'config/prod.json: no such file; environments in config: production, staging',
    ]);
    expect(lines(load(root, '../etc/passwd'))[0]).toMatch(/is not an environment name; expected one of: production, staging$/);
  });

  it('warns when a file does not reference the JSON Schema', () => {
    const { $schema: _s, ...bare } = MINIMAL;
    const { warnings } = load(tempProject({ 'production.json': bare }));
    expect(warnings.map(formatProblem)).toEqual([
      'config/production.json: $schema: is missing; add "$schema": "./schema.json" so editors check this file',
    ]);
  });
});

describe('secrets', () => {
  const withSecrets = { ...MINIMAL, secrets: ['SESSION_SECRET', 'DATABASE_URL'] };

  it('come from .env, then .env.<environment>, then the process environment, which wins', () => {
    const root = tempProject(
      { 'production.json': withSecrets },
      {
        '.env': 'SESSION_SECRET=from-dotenv\nDATABASE_URL=postgres://dotenv\n',
        '.env.production': 'DATABASE_URL=postgres://dotenv-production\n',
      },
    );
    const fromFiles = load(root).config?.secretValues;
    expect(fromFiles?.SESSION_SECRET?.reveal()).toBe('from-dotenv');
    expect(fromFiles?.DATABASE_URL?.reveal()).toBe('postgres://dotenv-production');
    const fromEnv = load(root, 'production', { DATABASE_URL: 'postgres://process' }).config?.secretValues;
    expect(fromEnv?.DATABASE_URL?.reveal()).toBe('postgres://process');
  });

  it('never touch process.env', () => {
    const root = tempProject({ 'production.json': withSecrets }, { '.env': 'SESSION_SECRET=a\nDATABASE_URL=b\n' });
    load(root);
    expect(process.env.SESSION_SECRET).toBeUndefined();
  });

  it('name each missing secret and where it was looked for', () => {
    const root = tempProject({ 'production.json': withSecrets }, { '.env': 'SESSION_SECRET=\n' });
    expect(lines(load(root))).toEqual([
      'config/production.json: secrets.SESSION_SECRET: required secret is not set (looked in the process environment, .env, .env.production)',
      'config/production.json: secrets.DATABASE_URL: required secret is not set (looked in the process environment, .env, .env.production)',
    ]);
  });

  it('print as [redacted] wherever the config is printed', () => {
    const root = tempProject({ 'production.json': withSecrets });
    const { config } = load(root, 'production', { SESSION_SECRET: 'marker-s3cr3t', DATABASE_URL: 'postgres://marker-s3cr3t' });
    expect(JSON.stringify(config)).not.toContain('marker-s3cr3t');
    expect(JSON.stringify(config)).toContain('"SESSION_SECRET":"[redacted]"');
  });

  it('may not also be plain variables in JSON', () => {
    const root = tempProject({ 'production.json': { ...withSecrets, env: { DATABASE_URL: 'x' } } });
    expect(lines(load(root, 'production', { SESSION_SECRET: 'a', DATABASE_URL: 'b' }))).toEqual([
      'config/production.json: env.DATABASE_URL: is also a secret; secrets never go in JSON',
    ]);
  });
});
