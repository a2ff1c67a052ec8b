import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigCached } from '../src';
import { loadConfig } from '../src/validation';
import { MINIMAL, tempProject } from './temp-project';

const WITH_SECRET = { ...MINIMAL, secrets: ['SESSION_SECRET'], env: { LOG_LEVEL: 'info' } };
const cacheDir = () => join(mkdtempSync(join(tmpdir(), 'switchyard-config-cache-')), 'cache');

describe('loadConfigCached', () => {
  it('returns what loadConfig returns, on the first load (validated) and on the next (remembered)', async () => {
    const root = tempProject({ 'base.json': { modules: ['web', 'api'] }, 'production.json': WITH_SECRET });
    const options = { environment: 'production', cwd: root, processEnv: { SESSION_SECRET: 's3cr3t-value' } };
    const dir = cacheDir();
    const expected = loadConfig(options);
    expect(expected.errors).toEqual([]);
    expect(await loadConfigCached(options, dir)).toStrictEqual(expected);
    expect(readdirSync(dir)).toHaveLength(1);
    expect(await loadConfigCached(options, dir)).toStrictEqual(expected);
  });

  it('remembers no secret: they are read from the environment at every load', async () => {
    const root = tempProject({ 'production.json': WITH_SECRET });
    const dir = cacheDir();
    await loadConfigCached({ environment: 'production', cwd: root, processEnv: { SESSION_SECRET: 'first-value' } }, dir);
    const file = join(dir, readdirSync(dir)[0]!);
    expect(readFileSync(file, 'utf8')).not.toContain('first-value');
    const again = await loadConfigCached({ environment: 'production', cwd: root, processEnv: { SESSION_SECRET: 'second-value' } }, dir);
    expect(again.config?.secretValues.SESSION_SECRET?.reveal()).toBe('second-value');
    const missing = await loadConfigCached({ environment: 'production', cwd: root, processEnv: {} }, dir);
    expect(missing.config).toBeUndefined();
    expect(missing.errors.map((e) => e.path)).toEqual(['secrets.SESSION_SECRET']);
  });

  it('validates again when a byte of either file changes, and never remembers a config with errors', async () => {
    const root = tempProject({ 'base.json': { modules: ['web'] }, 'production.json': MINIMAL });
    const options = { environment: 'production', cwd: root, processEnv: {} };
    const dir = cacheDir();
    expect((await loadConfigCached(options, dir)).config?.nginx.drainMs).toBe(5000);
    writeFileSync(join(root, 'config/base.json'), JSON.stringify({ modules: ['web'], nginx: { drainMs: 8000 } }));
    expect((await loadConfigCached(options, dir)).config?.nginx.drainMs).toBe(8000);
    writeFileSync(join(root, 'config/base.json'), JSON.stringify({ nginx: { drainMs: 'soon' } }));
    const broken = await loadConfigCached(options, dir);
    expect(broken.config).toBeUndefined();
    expect(broken.errors).toStrictEqual(loadConfig(options).errors);
    expect((await loadConfigCached(options, dir)).errors).toHaveLength(1);
  });

  it('takes a remembered config for the same bytes without validating it again', async () => {
    const root = tempProject({ 'production.json': MINIMAL });
    const options = { environment: 'production', cwd: root, processEnv: {} };
    const dir = cacheDir();
    await loadConfigCached(options, dir);
    const file = join(dir, readdirSync(dir)[0]!);
    const entry = JSON.parse(readFileSync(file, 'utf8')) as { key: string; data: { app: string } };
    writeFileSync(file, JSON.stringify({ ...entry, data: { ...entry.data, app: 'remembered' } }));
    expect((await loadConfigCached(options, dir)).config?.app).toBe('remembered');
  });

  it('validates as usual when the cache is corrupt, or cannot be written, or is not given', async () => {
    const root = tempProject({ 'production.json': MINIMAL });
    const options = { environment: 'production', cwd: root, processEnv: {} };
    const expected = loadConfig(options);
    const dir = cacheDir();
    await loadConfigCached(options, dir);
    writeFileSync(join(dir, readdirSync(dir)[0]!), '{"key": tor');
    expect(await loadConfigCached(options, dir)).toStrictEqual(expected);
    // Below a file: not even root can create it.
    writeFileSync(join(root, 'a-file'), '');
    expect(await loadConfigCached(options, join(root, 'a-file', 'cache'))).toStrictEqual(expected);
    expect(await loadConfigCached(options, undefined)).toStrictEqual(loadConfig(options));
  });

  it('says what loadConfig says about files it cannot read', async () => {
    const root = tempProject({ 'production.json': '{ "app": ' });
    const options = { environment: 'production', cwd: root, processEnv: {} };
    expect(await loadConfigCached(options, cacheDir())).toStrictEqual(loadConfig(options));
    expect(await loadConfigCached({ ...options, environment: 'nope' }, cacheDir())).toStrictEqual(loadConfig({ ...options, environment: 'nope' }));
  });
});
