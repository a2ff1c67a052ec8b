import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { failedRequests, parseWrkOutput, startLoad } from '../src/wrk';
import { wrkScript } from '../src/wrk-script';
import { formatTable } from '../src/table';

const LINE =
  'SWITCHYARD_WRK {"requests":1000,"durationUs":2000000,"non2xx":3,"connect":1,"read":2,"write":0,"timeout":4,"p50Us":1500,"p99Us":9000,"maxUs":20000,"colors":{"blue":900,"green":100}}';

describe('wrk results', () => {
  it('are read from the line the Lua script prints', () => {
    const result = parseWrkOutput(`Running 2s test\n${LINE}\n`);
    expect(result).toEqual({
      requests: 1000,
      durationSec: 2,
      non2xx: 3,
      socketErrors: { connect: 1, read: 2, write: 0, timeout: 4 },
      colors: { blue: 900, green: 100 },
      latencyMs: { p50: 1.5, p99: 9, max: 20 },
    });
    expect(failedRequests(result)).toBe(10);
  });

  it('fail loudly when wrk printed none', () => {
    expect(() => parseWrkOutput('unable to connect')).toThrow('wrk printed no result');
  });

  it('are only ever asked of loopback addresses', () => {
    expect(() => startLoad({ url: 'http://10.0.0.1/', method: 'GET', connections: 1, threads: 1, maxDurationSec: 1 })).toThrow(
      'only ever sent to loopback',
    );
  });

  it('come from a Lua script that luac accepts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-lua-'));
    const file = join(dir, 'count.lua');
    writeFileSync(file, wrkScript({ method: 'POST', body: '{"a":"b"}', randomCanaryCookie: 'switchyard_canary' }));
    // wrk embeds LuaJIT; its parser is the one that must accept the script.
    expect(() => execFileSync('wrk', ['-t1', '-c1', '-d1s', '-s', file, 'http://127.0.0.1:9/'], { stdio: 'pipe', timeout: 10_000 })).not.toThrow(
      /syntax error|unexpected symbol/,
    );
  });
});

describe('formatTable', () => {
  it('aligns text left and numbers right, with thousands separators', () => {
    expect(formatTable(['load', 'requests'], [['GET', 12345], ['POST', 7]])).toEqual([
      'load  requests',
      '----  --------',
      'GET     12,345',
      'POST         7',
    ]);
  });
});
