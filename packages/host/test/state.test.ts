import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StateFileError } from '../src/errors';
import { localHost } from '../src/local-host';
import { type DeployState, initialState, readState, writeState } from '../src/state';
import { tempDir } from './helpers';

const host = localHost();

const deployed: DeployState = {
  version: 1,
  live: 'blue',
  canary: { color: 'green', percent: 10 },
  switchMode: 'socket',
  colors: {
    blue: { releaseId: '20261122T003000Z-abc1234', sha: 'abc1234', startedAt: '2026-11-22T00:30:01.000Z' },
    green: null,
  },
  releases: [{ id: '20261122T003000Z-abc1234', sha: 'abc1234', createdAt: '2026-11-22T00:30:00.000Z', lockfileHash: 'sha256-x' }],
  history: [
    { at: '2026-11-22T00:30:05.000Z', deployId: 'd1', from: null, to: 'blue', mode: 'socket', releaseId: '20261122T003000Z-abc1234' },
  ],
};

describe('state.json', () => {
  it('is the initial state when missing', async () => {
    expect(await readState(host, join(await tempDir(), 'state.json'))).toEqual(initialState());
  });

  it('round-trips through an atomic write', async () => {
    const file = join(await tempDir(), 'state.json');
    await writeState(host, file, deployed);
    expect(await readState(host, file)).toEqual(deployed);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(deployed);
  });

  it('names the file, line and column when it is not JSON, quoting none of it', async () => {
    const file = join(await tempDir(), 'state.json');
    await writeFile(file, '{\n  "version": 1,\n  "live": bluegreen\n}\n');
    const error = await readState(host, file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateFileError);
    expect((error as Error).message).toMatch(new RegExp(`^${file}:3:11: invalid JSON: expected a value .*; fix or restore it before deploying$`));
    expect((error as Error).message).not.toContain('bluegreen');
  });

  it('names the key path of every problem in an invalid state', async () => {
    const file = join(await tempDir(), 'state.json');
    await writeFile(file, JSON.stringify({ ...deployed, live: 'red', colors: { blue: null, green: { releaseId: '../x' } } }));
    const message = await readState(host, file).then(
      () => '',
      (e: Error) => e.message,
    );
    expect(message).toContain(`${file}: is not a valid Switchyard state`);
    expect(message).toContain('live:');
    expect(message).toContain('colors.green.releaseId: expected a release id');
    expect(message).toContain('colors.green.sha:');
  });

  it('refuses to write an invalid state', async () => {
    const file = join(await tempDir(), 'state.json');
    const bad = { ...deployed, canary: { color: 'green', percent: 150 } } as DeployState;
    await expect(writeState(host, file, bad)).rejects.toThrow(/canary\.percent/);
    expect(await host.exists(file)).toBe(false);
  });
});
