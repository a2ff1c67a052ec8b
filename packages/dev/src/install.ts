import { COMMAND_TIMEOUT_MS, type Host } from '@switchyard/host';
import { aptFix, aptInstallCommands } from './apt';
import type { PrerequisiteFinding } from './finding';

export interface InstallContext {
  /** apt-get installs only as root; anyone else is told the command. */
  readonly root: boolean;
  /** Whether apt-get is on PATH: elsewhere the packages are named, not installed. */
  readonly aptGet: boolean;
  /** Runs apt-get: host's run, or a recorder in a test. */
  readonly run: Host['run'];
  readonly out: (line: string) => void;
}

/** The Debian packages that would fix the problems among `findings`, each once. */
export function packagesToInstall(findings: readonly PrerequisiteFinding[]): string[] {
  return [...new Set(findings.flatMap((finding) => (!finding.ok && finding.aptPackage ? [finding.aptPackage] : [])))];
}

const lastLines = (text: string) => text.trim().split('\n').slice(-3).join(' ');

/**
 * Installs the missing Debian packages with apt-get when it can (root, apt-get on PATH) and
 * returns them; otherwise prints the one command that installs them all and returns []. Problems
 * no package fixes (Node.js, pnpm) are left to their own fix lines.
 */
export async function installMissing(findings: readonly PrerequisiteFinding[], context: InstallContext): Promise<string[]> {
  const packages = packagesToInstall(findings);
  if (packages.length === 0) return [];
  if (!context.root || !context.aptGet) {
    context.out(`prerequisites: ${context.aptGet ? 'not root, so nothing was installed' : 'no apt-get here, so nothing was installed'}; run: ${aptFix(packages, context)}`);
    return [];
  }
  context.out(`prerequisites: installing ${packages.join(' ')} with apt-get`);
  for (const { argv, env } of aptInstallCommands(packages)) {
    const result = await context.run(argv, { ...(env ? { env } : {}), nothrow: true, timeoutMs: COMMAND_TIMEOUT_MS.build });
    if (!result.ok) {
      context.out(`prerequisites: ${argv.slice(0, 2).join(' ')} failed (exit ${result.exitCode}): ${lastLines(result.stderr) || lastLines(result.stdout)}`);
      return [];
    }
  }
  return packages;
}
