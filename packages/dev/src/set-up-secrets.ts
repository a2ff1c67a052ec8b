import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { UsageError, loadSecrets } from '@switchyard/config';
import { type ExampleEntry, parseEnvExample } from './env-example';
import { type NewValue, appendEnvValues, checkWritableValue, modeWiderThan0600 } from './env-local-file';
import { committableEnvFiles } from './git-ignored';
import { type SecretsMode, planSecrets } from './plan-secrets';
import { promptSecret } from './prompt-secret';

export interface SetUpSecretsOptions {
  readonly projectRoot: string;
  /** Only the local environment: its values go to .env.local, which no other environment reads. */
  readonly environment: 'local';
  /** The environment's `secrets` and `deploySecrets`. */
  readonly needed: readonly string[];
  readonly processEnv: Readonly<Record<string, string | undefined>>;
  readonly mode: SecretsMode;
  /** Asks for one secret; the masked prompt on stdin and stderr when absent. */
  readonly ask?: (entry: ExampleEntry) => Promise<string>;
  /** Random bytes for generated values; node:crypto's randomBytes when absent. */
  readonly random?: (size: number) => Buffer;
}

export interface SecretsOutcome {
  /** The dotenv file new values go to (absolute path). */
  readonly file: string;
  readonly written: string[];
  readonly alreadySet: string[];
  /** `check` only: one line per thing a run would have to change or cannot, naming the file. */
  readonly problems: string[];
  /** The file's mode before it was narrowed to 0600, when it was wider. */
  readonly modeFixedFrom: number | undefined;
}

// The size `openssl rand -hex 32` gives, which .env.example suggests; hex needs no quoting anywhere.
const GENERATED_BYTES = 32;

function readExample(projectRoot: string, target: string): string {
  try {
    return readFileSync(join(projectRoot, '.env.example'), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`${join(projectRoot, '.env.example')}: ${code === 'ENOENT' ? 'not found' : `cannot be read (${code})`}; pnpm dev:setup creates ${target} from it`);
  }
}

/**
 * The secrets part of `pnpm dev:setup`: every needed secret that has no value in .env, .env.local
 * or the process environment is asked for or generated and appended to .env.local (0600). Nothing
 * is written unless git ignores every .env file, and nothing is written before every value is known,
 * so an interrupted run leaves the file as it was. `check` writes nothing and lists the problems.
 */
export async function setUpSecrets(options: SetUpSecretsOptions): Promise<SecretsOutcome> {
  const { projectRoot, environment, mode } = options;
  const name = `.env.${environment}`;
  const file = join(projectRoot, name);
  const entries = parseEnvExample(readExample(projectRoot, name));
  const gitProblems = committableEnvFiles(projectRoot, name);
  if (gitProblems.length > 0 && mode !== 'check') throw new UsageError(gitProblems.join('\n'));
  const existing = loadSecrets(options.needed, { environment, directories: [projectRoot], processEnv: options.processEnv });
  const unreadable = existing.unreadable.map((problem) => `${relative(projectRoot, problem.file)}: ${problem.reason}`);
  if (unreadable.length > 0 && mode !== 'check') throw new UsageError(unreadable.join('\n'));
  const alreadySet = Object.keys(existing.values);
  const plan = planSecrets({ needed: options.needed, entries, alreadySet, mode, file: name });

  if (mode === 'check') {
    const wider = modeWiderThan0600(file);
    const modeProblem = wider === undefined ? [] : [`${name}: mode ${wider.toString(8).padStart(4, '0')} allows more than 0600; pnpm dev:setup narrows it to 0600`];
    return { file, written: [], alreadySet, problems: [...gitProblems, ...unreadable, ...modeProblem, ...plan.problems], modeFixedFrom: undefined };
  }
  if (plan.problems.length > 0) throw new UsageError(plan.problems.join('\n'));

  const ask = options.ask ?? ((entry: ExampleEntry) => promptSecret(entry.name, entry.description, { input: process.stdin, output: process.stderr }));
  const random = options.random ?? randomBytes;
  const values: NewValue[] = [];
  for (const entry of plan.ask) {
    const value = await ask(entry);
    // Refused at once, not after the developer has typed every other secret.
    checkWritableValue(name, entry.name, value);
    values.push({ name: entry.name, description: entry.description, value });
  }
  for (const entry of plan.generate) values.push({ name: entry.name, description: entry.description, value: random(GENERATED_BYTES).toString('hex') });
  const { modeFixedFrom } = appendEnvValues(file, values);
  return { file, written: values.map((entry) => entry.name), alreadySet, problems: [], modeFixedFrom };
}
