import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Config, ConfigError, deepMerge } from '@switchyard/config';
import { loadConfig } from '@switchyard/config/validation';
import { stopEverything } from '@switchyard/deploy';
import { writeDemoConfig } from '@switchyard/demo';
import { makeRelease } from '../../examples/catalog-app/make-release.mjs';

/**
 * How the colours listen, and so what a switch renames: `socket`, the app's own sockets; `port`,
 * apps on TCP ports, reached through their nginx fronts (a server of nginx's own on
 * run/<colour>.sock proxying to the colour's port). Either way a switch renames links: no reload.
 */
export type SwitchMode = 'socket' | 'port';

/** The mode as the tables print it. */
export const modeLabel = (mode: SwitchMode) => (mode === 'port' ? 'port (nginx front)' : 'socket');

export interface BenchProjectOptions {
  /** The repository's config/ directory, whose base.json and local.json the project starts from. */
  projectConfigDir: string;
  /** Everything the project creates lives here; removed first. */
  root: string;
  /** nginx's port; in port mode the colours take port + 1 (blue) and port + 2 (green). */
  port: number;
  mode: SwitchMode;
  keepOldWarm: boolean;
  /** Extra plain environment variables for the app (beside LOG_REQUESTS=0). */
  env?: Record<string, string>;
  /** nginx's upstream keepalive_timeout, when the benchmark shortens the drain. */
  upstreamKeepaliveMs?: number;
  /** health.watchMs, when the benchmark leaves out the watch after each switch (default 5 s). */
  watchMs?: number;
  /** health.warmup.requests, when the benchmark compares warm-ups (default: base.json's). */
  warmupRequests?: number;
}

export interface BenchProject {
  root: string;
  configDir: string;
  config: Config;
  port: number;
  mode: SwitchMode;
  /** Whether a deploy leaves the old colour running (nothing is stopped after its switch). */
  keepOldWarm: boolean;
  /** Two releases that differ only in their VERSION file (same lockfile: installs are reused). */
  sources: [string, string];
  /** Stops both colours and nginx; never throws. */
  stop(): Promise<void>;
}

/**
 * A throwaway deploy root for one benchmark: the demo's local config moved under `root`, plain
 * processes (no systemd user manager left behind), the app's per-request logs off so that disk
 * I/O does not skew the figures, and the colours on sockets or on ports (reached through nginx fronts).
 */
export async function createProject(options: BenchProjectOptions): Promise<BenchProject> {
  const { root, port } = options;
  await stopUnder(root);
  rmSync(root, { recursive: true, force: true });
  const sources: [string, string] = [
    await makeRelease({ version: '1.0.0', destDir: join(root, 'src/v1') }),
    await makeRelease({ version: '2.0.0', destDir: join(root, 'src/v2') }),
  ];
  const configDir = writeDemoConfig({ projectConfigDir: options.projectConfigDir, root, port, source: sources[0] });
  const localPath = join(configDir, 'local.json');
  const local = JSON.parse(readFileSync(localPath, 'utf8')) as Record<string, unknown>;
  const listen = options.mode === 'socket' ? { type: 'socket' } : { type: 'port', address: '127.0.0.1', blue: port + 1, green: port + 2 };
  const patched = deepMerge(local, {
    supervisor: 'plain',
    keepOldWarm: options.keepOldWarm,
    env: { LOG_REQUESTS: '0', ...options.env },
    ...(options.upstreamKeepaliveMs === undefined ? {} : { nginx: { upstreamKeepaliveMs: options.upstreamKeepaliveMs } }),
    health: {
      ...(options.watchMs === undefined ? {} : { watchMs: options.watchMs }),
      ...(options.warmupRequests === undefined ? {} : { warmup: { requests: options.warmupRequests } }),
    },
  }) as Record<string, unknown>;
  // The benchmarks time deploys and switches: the demo's embedded database (its own process, seconds
  // to start) is not part of them.
  delete patched.migrations;
  // start lives in base.json: repeat it here, whole, with the listen mode of this benchmark.
  const base = JSON.parse(readFileSync(join(configDir, 'base.json'), 'utf8')) as { start: Record<string, unknown> };
  patched.start = { ...base.start, listen };
  writeFileSync(localPath, JSON.stringify(patched, null, 2));
  const config = loadBenchConfig(configDir);
  return { root, configDir, config, port, mode: options.mode, keepOldWarm: options.keepOldWarm, sources, stop: () => stopQuietly(config) };
}

export function loadBenchConfig(configDir: string): Config {
  const { config, errors } = loadConfig({ environment: 'local', configDir });
  if (!config) throw new ConfigError(errors);
  return config;
}

async function stopQuietly(config: Config): Promise<void> {
  try {
    await stopEverything(config);
  } catch (error) {
    console.error(`cleanup: ${(error as Error).message}`);
  }
}

/** Stops what an earlier, interrupted run left under `root`, if anything. */
async function stopUnder(root: string): Promise<void> {
  const { config } = loadConfig({ environment: 'local', configDir: join(root, 'config') });
  if (config) await stopQuietly(config);
}
