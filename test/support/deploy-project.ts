import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { deepMerge } from '@switchyard/config';
import { processesUnder } from '@switchyard/demo';
import { httpGet } from '@switchyard/host';
import { makeRelease } from '../../examples/catalog-app/make-release.mjs';
import { type CliResult, REPO, runScript } from './cli';

/*
 * A throwaway Switchyard project for the failure tests: config/ made from the repository's
 * base.json + local.json, a deploy root under its own temp dir, a private nginx on a loopback port
 * that only this project uses, plain processes, short timeouts. cleanup() stops everything it
 * started (both colours, nginx, any deploy still running) and removes the directory.
 */

type Json = Record<string, unknown>;

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Json;

export interface HttpAnswer {
  ok: boolean;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  error?: string;
}

/** One GET to 127.0.0.1:port on a new connection; never throws. */
export async function get(port: number, path: string, options: { timeoutMs?: number; headers?: Record<string, string> } = {}): Promise<HttpAnswer> {
  const answer = await httpGet({ address: '127.0.0.1', port }, path, { timeoutMs: options.timeoutMs ?? 5_000, ...(options.headers ? { headers: options.headers } : {}) });
  return answer.reached
    ? { ok: answer.status === 200, status: answer.status, headers: answer.headers, body: answer.body }
    : { ok: false, status: 0, headers: {}, body: '', error: answer.error };
}

/** Sequential GETs through nginx until stop(); every answer that is not a 200 is kept. */
export function requestLoop(port: number, path = '/api/products', concurrency = 2) {
  let running = true;
  let total = 0;
  const failures: string[] = [];
  const versions = new Map<string, number>();
  const loops = Array.from({ length: concurrency }, async () => {
    while (running) {
      const answer = await get(port, path);
      total++;
      if (!answer.ok) failures.push(`${new Date().toISOString()} ${answer.status} ${answer.error ?? answer.body.slice(0, 200)}`);
      const version = String(answer.headers['x-app-version'] ?? '-');
      versions.set(version, (versions.get(version) ?? 0) + 1);
    }
  });
  return {
    get total() {
      return total;
    },
    failures,
    versions,
    async stop() {
      running = false;
      await Promise.all(loops);
      return { total, failures, versions };
    },
  };
}

/**
 * How runScript runs a command: the bundle dist/commands/<name>.mjs (`pnpm build`), else the
 * TypeScript source through tsx's loader. Either way one node process, so its pid is the command's own.
 */
function commandArgv(script: string): string[] {
  const bundle = join(REPO, 'dist/commands', `${script.replace(/\.ts$/, '')}.mjs`);
  return existsSync(bundle) ? [bundle] : ['--import', 'tsx', join(REPO, 'scripts', script)];
}

/** A command running in the background, started as runScript starts one. */
export interface Running {
  child: ChildProcess;
  readonly output: string;
  /** Resolves when the output (stdout + stderr) matches, or rejects when the process ends first or the time is up. */
  waitFor(pattern: RegExp | ((output: string) => boolean), timeoutMs?: number): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>;
}

export function spawnScript(script: string, args: string[]): Running {
  const child = spawn(process.execPath, [...commandArgv(script), ...args], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>((resolve) =>
    child.on('close', (code, signal) => {
      for (const listener of listeners) listener();
      resolve({ code, signal, output });
    }),
  );
  return {
    child,
    get output() {
      return output;
    },
    exited,
    waitFor(pattern, timeoutMs = 60_000) {
      const matches = () => (typeof pattern === 'function' ? pattern(output) : pattern.test(output));
      return new Promise<void>((resolve, reject) => {
        const done = () => {
          listeners.delete(check);
          clearTimeout(timer);
        };
        const check = () => {
          if (matches()) {
            done();
            resolve();
          } else if (child.exitCode !== null || child.signalCode !== null) {
            done();
            reject(new Error(`${script} ended (${child.exitCode ?? child.signalCode}) before its output matched ${String(pattern)}:\n${output}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`${script}: output did not match ${String(pattern)} within ${timeoutMs} ms:\n${output}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
  };
}

export interface DeployProject {
  dir: string;
  configDir: string;
  port: number;
  /** <dir>/srv */
  serverRoot: string;
  /** <dir>/srv/catalog */
  appRoot: string;
  /** Makes catalog-app <version> under <dir>/src/<version>, with migrations/<file> for each one given; returns its path. */
  release(version: string, options?: { broken?: boolean; migrations?: Record<string, string> }): Promise<string>;
  /** Deep-merges into config/local.json. */
  configure(patch: Json): void;
  /** Replaces a top-level key of config/local.json whole (a union member of another type). */
  replace(key: string, value: unknown): void;
  /** The common flags: --env local --config-dir <configDir>. */
  flags(): string[];
  run(script: string, args?: string[]): Promise<CliResult>;
  deploy(source: string, args?: string[]): Promise<CliResult>;
  spawnDeploy(source: string, args?: string[]): Running;
  get(path: string): Promise<HttpAnswer>;
  /** The body of /__switchyard/color through nginx. */
  liveColor(): Promise<string>;
  /** pid of a colour from its pid file, if the process is alive. */
  colorPid(color: 'blue' | 'green'): number | undefined;
  nginxMasterPid(): number | undefined;
  nginxWorkerPids(): number[];
  cleanup(): Promise<void>;
}

function procStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[0] === 'Z' ? undefined : fields[19];
  } catch {
    return undefined;
  }
}

function childrenOf(pid: number): number[] {
  const out = spawnSync('ps', ['--ppid', String(pid), '-o', 'pid='], { encoding: 'utf8' }).stdout ?? '';
  return out
    .split('\n')
    .map((line) => Number(line.trim()))
    .filter((n) => Number.isInteger(n) && n > 0);
}


/** The app processes (node, working directory in a release of dir), e.g. to find ones a killed deploy left behind. */
export function appProcesses(dir: string): number[] {
  return processesUnder(dir).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'node' && readlinkSync(`/proc/${pid}/cwd`).startsWith(`${dir}/`);
    } catch {
      return false;
    }
  });
}

const kill = (pid: number, signal: NodeJS.Signals) => {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
};

/** systemctl --user against the user manager that deploys use (packages/host's ensureUserManager starts one where none runs). */
function systemctl(args: string[]) {
  const uid = process.getuid?.() ?? 0;
  return spawnSync('systemctl', ['--user', ...args], { encoding: 'utf8', env: { ...process.env, XDG_RUNTIME_DIR: `/run/user/${uid}` }, timeout: 15_000 });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const PORTS = { first: 19100, last: 19199 };
const PORT_LOCKS = join(tmpdir(), 'switchyard-test-ports');

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const bindable = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

/**
 * The preferred port when no other test process holds it and it is free, else the next such port in
 * 19100–19199: the whole repository's `vitest run` may run these files while someone else runs them
 * too. Held through a lock file naming our pid (a dead holder's file is taken over) until release().
 */
export async function reservePort(preferred: number): Promise<{ port: number; release(): void }> {
  mkdirSync(PORT_LOCKS, { recursive: true });
  const span = PORTS.last - PORTS.first + 1;
  for (let i = 0; i < span; i++) {
    const port = PORTS.first + ((preferred - PORTS.first + i) % span);
    const file = join(PORT_LOCKS, `${port}.lock`);
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
    } catch {
      const holder = Number(readFileSync(file, 'utf8').trim());
      if (holder > 0 && alive(holder)) continue;
      rmSync(file, { force: true });
      try {
        writeFileSync(file, String(process.pid), { flag: 'wx' });
      } catch {
        continue;
      }
    }
    const release = () => rmSync(file, { force: true });
    if (await bindable(port)) return { port, release };
    release();
  }
  throw new Error(`no free port in ${PORTS.first}–${PORTS.last}`);
}

/**
 * A project whose private nginx listens on 127.0.0.1:<port> (preferredPort, one per test case in
 * 19100–19199, or the next free one) and whose first release is catalog-app 1.0.0 — unless
 * `options.base` replaces config/base.json for another app.
 */
export async function deployProject(preferredPort: number, configPatch: Json = {}, options: { base?: Json } = {}): Promise<DeployProject> {
  const reserved = await reservePort(preferredPort);
  const port = reserved.port;
  const dir = mkdtempSync(join(tmpdir(), `switchyard-fail-${port}-`));
  // Under systemd the units <app>@blue and <app>@green live in the one user manager of this
  // machine: a name of its own, so that the demo's or another test's "catalog" units are not touched.
  const systemd = configPatch.supervisor === 'systemd';
  const app = typeof configPatch.app === 'string' ? configPatch.app : systemd ? `catalog${port}` : 'catalog';
  // mkdtemp makes it 0700; nginx's workers (nobody, when the master is root) must reach the sockets and live-color.
  chmodSync(dir, 0o755);
  const configDir = join(dir, 'config');
  const serverRoot = join(dir, 'srv');
  const appRoot = join(serverRoot, app);
  mkdirSync(configDir);
  mkdirSync(join(dir, 'src'));
  // Another app than the sample brings its own base: what the repository's says of catalog-app
  // (its install, its worker, its health text) does not apply to it.
  if (options.base) writeFileSync(join(configDir, 'base.json'), `${JSON.stringify({ $schema: './schema.base.json', ...options.base }, null, 2)}\n`);
  else writeFileSync(join(configDir, 'base.json'), readFileSync(join(REPO, 'config/base.json')));
  for (const schema of ['schema.json', 'schema.base.json'])
    writeFileSync(join(configDir, schema), readFileSync(join(REPO, 'config', schema)));

  let local = deepMerge(readJson(join(REPO, 'config/local.json')), {
    server: { type: 'local', root: serverRoot },
    source: { type: 'path', path: join(dir, 'src', '1.0.0') },
    nginx: { listen: { address: '127.0.0.1', port }, drainMs: 1500, upstreamKeepaliveMs: 500 },
    // watchMs: a second, not the default 5, so that the suite's many deploys stay quick; the
    // window itself is tested at its own length in watch-window.test.ts.
    health: { timeoutMs: 5000, intervalMs: 100, requestTimeoutMs: 1000, watchMs: 1000 },
    systemd: { stopTimeoutSec: 5 },
    supervisor: 'plain',
    app,
  }) as Json;
  // The developer's database of config/local.json (an embedded PGlite served for seconds and
  // hundreds of MB, the catalog read from it) is not every test's: a test that wants one says so.
  delete local.migrations;
  delete (local.env as Json).CATALOG_STORE;
  // Its secrets come from the developer's .env.local (pnpm dev:setup); a test that needs one sets it.
  delete local.secrets;
  // The sample app has a public/ folder to publish; another app says where its assets are, if it has any.
  if (options.base) delete local.assets;
  else local = deepMerge(local, { assets: { type: 'local', directory: join(serverRoot, 'assets') } }) as Json;
  local = deepMerge(local, configPatch) as Json;
  const writeLocal = () => writeFileSync(join(configDir, 'local.json'), `${JSON.stringify(local, null, 2)}\n`);
  writeLocal();

  const project: DeployProject = {
    dir,
    configDir,
    port,
    serverRoot,
    appRoot,
    async release(version, options = {}) {
      const source = await makeRelease({ version, destDir: join(dir, 'src', version), broken: options.broken ?? false, force: true });
      if (options.migrations) {
        mkdirSync(join(source, 'migrations'));
        for (const [file, sql] of Object.entries(options.migrations)) writeFileSync(join(source, 'migrations', file), sql);
      }
      return source;
    },
    configure(patch) {
      local = deepMerge(local, patch) as Json;
      writeLocal();
    },
    replace(key, value) {
      local = { ...(local as Json), [key]: value };
      writeLocal();
    },
    flags: () => ['--env', 'local', '--config-dir', configDir],
    run: (script, args = []) => runScript(script, [...project.flags(), ...args]),
    deploy: (source, args = []) => runScript('deploy.ts', [...project.flags(), '--source', source, ...args]),
    spawnDeploy: (source, args = []) => spawnScript('deploy.ts', [...project.flags(), '--source', source, ...args]),
    get: (path) => get(port, path),
    async liveColor() {
      const answer = await get(port, '/__switchyard/color');
      return answer.ok ? answer.body.trim() : `(${answer.status} ${answer.error ?? answer.body.trim()})`;
    },
    colorPid(color) {
      if (systemd) {
        const main = Number(systemctl(['show', '-p', 'MainPID', '--value', `${app}@${color}.service`]).stdout.trim());
        return main > 0 ? main : undefined;
      }
      try {
        const [pid, start] = readFileSync(join(appRoot, 'run', `${color}.pid`), 'utf8').trim().split(' ');
        return pid && start && procStartTime(Number(pid)) === start ? Number(pid) : undefined;
      } catch {
        return undefined;
      }
    },
    nginxMasterPid() {
      try {
        const pid = Number(readFileSync(join(appRoot, 'nginx', 'nginx.pid'), 'utf8').trim());
        return procStartTime(pid) && readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'nginx' ? pid : undefined;
      } catch {
        return undefined;
      }
    },
    nginxWorkerPids() {
      const master = project.nginxMasterPid();
      return master ? childrenOf(master).sort((a, b) => a - b) : [];
    },
    async cleanup() {
      // nginx first, gracefully, so it does not log a storm of refused connects; then everything else.
      const master = project.nginxMasterPid();
      const workers = project.nginxWorkerPids();
      if (master) {
        kill(master, 'SIGQUIT');
        for (let i = 0; i < 50 && procStartTime(master); i++) await sleep(20);
      }
      if (systemd) {
        // Stopped through the manager first, or Restart=on-failure brings them back.
        systemctl(['kill', '--signal=SIGKILL', `${app}@blue.service`, `${app}@green.service`, `${app}-worker.service`]);
        systemctl(['stop', `${app}@blue.service`, `${app}@green.service`, `${app}-worker.service`]);
        systemctl(['reset-failed', `${app}@blue.service`, `${app}@green.service`, `${app}-worker.service`]);
        const unitDir = join(homedir(), '.config/systemd/user');
        for (const unit of [`${app}@.service`, `${app}-worker.service`]) rmSync(join(unitDir, unit), { force: true });
        systemctl(['daemon-reload']);
      }
      for (const color of ['blue', 'green'] as const) {
        const pid = project.colorPid(color);
        if (pid) kill(-pid, 'SIGKILL');
      }
      const rest = processesUnder(dir);
      const all = new Set([...(master ? [master] : []), ...workers, ...rest, ...rest.flatMap(childrenOf)]);
      for (const pid of all) kill(pid, 'SIGKILL');
      for (let i = 0; i < 50 && [...all].some((pid) => procStartTime(pid)); i++) await sleep(20);
      // A tmpfs a test mounted under dir.
      for (const line of readFileSync('/proc/mounts', 'utf8').split('\n').reverse()) {
        const mountPoint = line.split(' ')[1];
        if (mountPoint && mountPoint.startsWith(`${dir}/`)) spawnSync('umount', ['-l', mountPoint]);
      }
      rmSync(dir, { recursive: true, force: true });
      reserved.release();
    },
  };
  return project;
}
