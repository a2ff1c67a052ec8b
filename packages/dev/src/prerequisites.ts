import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Config, UsageError } from '@switchyard/config';
import { type Host, localHost } from '@switchyard/host';
import type { PrerequisiteFinding } from './finding';
import { installMissing } from './install';
import { findOnPath, observeSupervisor, probeRequirement, type ProbeContext } from './probe';
import { type ProjectToolchain, requirementsOf } from './requirements';
import { supervisorFinding } from './supervisor';

export interface CheckOptions {
  /** Whose PATH programs are looked up in; default this process's environment. */
  env?: NodeJS.ProcessEnv;
}

export interface EnsureOptions extends CheckOptions {
  /** false (--check): find and report, change nothing. */
  install: boolean;
  out: (line: string) => void;
  /** Runs the install commands; default host's run. */
  run?: Host['run'];
}

export interface EnsureResult {
  findings: PrerequisiteFinding[];
  /** Debian packages apt-get installed in this run. */
  installed: string[];
  /** What is still missing or broken, each with its fix. */
  missing: PrerequisiteFinding[];
}

/** The Node.js and pnpm versions the project asks for live in its root package.json. */
function projectToolchain(config: Config): ProjectToolchain {
  const file = join(config.paths.projectRoot, 'package.json');
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as ProjectToolchain;
  } catch (error) {
    const why = error instanceof SyntaxError ? `is not JSON (${error.message})` : `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
    throw new UsageError(`${file} ${why}; it names the Node and pnpm versions the project needs (engines.node, packageManager)`);
  }
}

function probeContext(options: CheckOptions): ProbeContext {
  const path = (options.env ?? process.env).PATH ?? '';
  return { path, run: localHost().run, root: process.getuid?.() === 0, aptGet: findOnPath('apt-get', path) !== undefined };
}

async function check(config: Config, context: ProbeContext): Promise<PrerequisiteFinding[]> {
  const host = localHost();
  const found = await Promise.all(requirementsOf(config, projectToolchain(config)).map((requirement) => probeRequirement(requirement, context)));
  return [...found, supervisorFinding(config.supervisor, await observeSupervisor(host, context), context)];
}

/** Everything `config` needs on this machine, found or not, and the supervisor; changes nothing. */
export function checkPrerequisites(config: Config, options: CheckOptions = {}): Promise<PrerequisiteFinding[]> {
  return check(config, probeContext(options));
}

/** Checks, installs what apt-get can when allowed and able (then checks again), and says what is still missing. */
export async function ensurePrerequisites(config: Config, options: EnsureOptions): Promise<EnsureResult> {
  const context = probeContext(options);
  let findings = await check(config, context);
  const installed = options.install ? await installMissing(findings, { ...context, run: options.run ?? context.run, out: options.out }) : [];
  if (installed.length > 0) findings = await check(config, context);
  return { findings, installed, missing: findings.filter((finding) => !finding.ok) };
}
