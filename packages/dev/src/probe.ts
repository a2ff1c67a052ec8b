import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { COMMAND_TIMEOUT_MS, type Host, systemdIsPid1 } from '@switchyard/host';
import { aptFix } from './apt';
import type { PrerequisiteFinding } from './finding';
import type { Requirement } from './requirements';
import type { SupervisorFacts } from './supervisor';
import { describeRange, outsideRange } from './version-range';

/** Where and how the probes look. */
export interface ProbeContext {
  /** The PATH programs are looked up in (and the version commands get): a test hides one by leaving its directory out. */
  readonly path: string;
  /** Runs the version commands; host's run, which never goes through a shell. */
  readonly run: Host['run'];
  /** For the fixes: whether apt-get needs sudo, and whether there is an apt-get at all. */
  readonly root: boolean;
  readonly aptGet: boolean;
}

/** The executable file `command` names on `path`, as execvp would pick it, or undefined. */
export function findOnPath(command: string, path: string): string | undefined {
  for (const dir of path.split(delimiter)) {
    // An empty or relative entry means a directory relative to wherever the command runs: never trusted.
    if (!isAbsolute(dir)) continue;
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // Not there, or not executable: the next directory may have it.
    }
  }
  return undefined;
}

function fixOf(requirement: Requirement, context: ProbeContext): string | undefined {
  return requirement.aptPackage ? aptFix([requirement.aptPackage], context) : requirement.fix;
}

/** Looks for one requirement: found with its version, or what is wrong and the fix. */
export async function probeRequirement(requirement: Requirement, context: ProbeContext): Promise<PrerequisiteFinding> {
  const { name, why, locate, version: range } = requirement;
  const base = { name, why, ...(requirement.aptPackage ? { aptPackage: requirement.aptPackage } : {}) };
  const problem = (detail: string): PrerequisiteFinding => {
    const fix = fixOf(requirement, context);
    return { ...base, ok: false, detail, ...(fix ? { fix } : {}) };
  };
  if (locate.kind === 'file') return existsSync(locate.path) ? { ...base, ok: true, detail: locate.path } : problem(`${locate.path} is missing`);

  const found = findOnPath(locate.command, context.path);
  if (found === undefined) return problem('not found on PATH');
  if (!locate.version) return { ...base, ok: true, detail: found };
  const argv = [found, ...locate.version.args];
  const result = await context.run(argv, { env: { PATH: context.path }, nothrow: true, timeoutMs: COMMAND_TIMEOUT_MS.quick });
  // nginx -v and ssh -V answer on stderr.
  const printed = `${result.stdout}\n${result.stderr}`;
  const version = locate.version.pattern.exec(printed.trim())?.[1];
  if (version === undefined) {
    if (!range) return { ...base, ok: true, detail: found };
    const said = printed.trim().split('\n')[0] || `exit ${result.exitCode}`;
    return problem(`${found} ${locate.version.args.join(' ')} gave no version (${said}); ${describeRange(range)} is needed`);
  }
  const outside = range ? outsideRange(version, range) : undefined;
  return outside && range ? problem(`${outside}; ${describeRange(range)} is needed`) : { ...base, ok: true, detail: version };
}

/** Where the supervisor comes from, read without starting anything. */
export async function observeSupervisor(host: Host, context: ProbeContext): Promise<SupervisorFacts> {
  return {
    root: context.root,
    systemdIsPid1: await systemdIsPid1(host),
    // The binary host's ensureUserManager starts where no user manager answers.
    systemdBinary: await host.exists('/lib/systemd/systemd'),
    systemctl: findOnPath('systemctl', context.path) !== undefined,
  };
}
