import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { UsageError } from '@switchyard/config';

// The names dotenv loaders read: .env and .env.<anything>. (.envrc, direnv's file, is often
// committed on purpose and is not ours to judge.)
const DOTENV_NAME = /^\.env(\..+)?$/;

const ADD_TO_GITIGNORE = 'add these two lines to .gitignore: .env* and !.env.example';

function git(projectRoot: string, args: readonly string[]): { status: number | null; stderr: string } {
  // English messages, so that "not a git repository" can be told from git's other fatal errors.
  const result = spawnSync('git', args, { cwd: projectRoot, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
  if (result.error !== undefined) throw new UsageError(`cannot run git to check that the .env files are ignored (${result.error.message})`);
  return { status: result.status, stderr: result.stderr };
}

/** A git failure other than "not a repository", which must not pass for "nothing to check". */
const gitFailed = (name: string, stderr: string) => new UsageError(`${name}: cannot check whether git ignores it: ${stderr.trim()}`);

/**
 * One line for each dotenv file in the project root (the one about to be written included, and
 * .env.example excepted) that git tracks or would commit: secrets must never reach a commit.
 * A project that is not a git repository has nothing to commit them to.
 */
export function committableEnvFiles(projectRoot: string, target: string): string[] {
  const present = readdirSync(projectRoot, { withFileTypes: true })
    .filter((entry) => entry.isFile() && DOTENV_NAME.test(entry.name) && entry.name !== '.env.example')
    .map((entry) => entry.name);
  const problems: string[] = [];
  for (const name of [...new Set([target, ...present])].sort()) {
    // A name is a literal path, not a pattern; check-ignore takes only paths, so needs no such flag.
    const tracked = git(projectRoot, ['--literal-pathspecs', 'ls-files', '--error-unmatch', '--', name]);
    if (tracked.status === 128 && tracked.stderr.includes('not a git repository')) return [];
    if (tracked.status === 0) {
      problems.push(`${name}: git tracks this file, so the secrets in it are committed; run git rm --cached ${name}, and ${ADD_TO_GITIGNORE}`);
      continue;
    }
    if (tracked.status !== 1) throw gitFailed(name, tracked.stderr);
    const ignored = git(projectRoot, ['check-ignore', '-q', '--', name]);
    if (ignored.status === 1) problems.push(`${name}: git would commit this file (it is not ignored); ${ADD_TO_GITIGNORE}`);
    else if (ignored.status !== 0) throw gitFailed(name, ignored.stderr);
  }
  return problems;
}
