import { type ExampleEntry, GENERATE_MARKER } from './env-example';

/** `ask`: on a terminal; `yes`: no questions, invent what may be invented; `check`: change nothing, say what is missing. */
export type SecretsMode = 'ask' | 'yes' | 'check';

export interface SecretsInput {
  /** The environment's `secrets` and `deploySecrets`. */
  readonly needed: readonly string[];
  readonly entries: readonly ExampleEntry[];
  /** Names that already have a non-empty value in a dotenv file or the process environment. */
  readonly alreadySet: readonly string[];
  readonly mode: SecretsMode;
  /** The file new values go to, as the problems should name it. */
  readonly file: string;
}

export interface SecretsPlan {
  readonly ask: readonly ExampleEntry[];
  readonly generate: readonly ExampleEntry[];
  readonly alreadySet: readonly string[];
  /** One line per secret this mode cannot set, naming it and the file it would go to. */
  readonly problems: readonly string[];
}

/**
 * Decides, for each needed secret, whether it is already set, asked for, generated, or a problem.
 * A value that is set anywhere is left alone: which source wins is the config loader's business.
 */
export function planSecrets(input: SecretsInput): SecretsPlan {
  const byName = new Map(input.entries.map((entry) => [entry.name, entry]));
  const set = new Set(input.alreadySet);
  const needed = [...new Set(input.needed)];
  // A name .env.example does not explain can still be typed in, with nothing to show beside it.
  const missing = needed.filter((name) => !set.has(name)).map((name) => byName.get(name) ?? { name, description: [], generate: false });
  const problem = (entry: ExampleEntry) => {
    const notSet = `${input.file}: ${entry.name} is not set`;
    if (!byName.has(entry.name))
      return `${notSet}, and .env.example does not name it; add it there with a comment saying what it is, then set it in ${input.file} or the environment, or run pnpm dev:setup on a terminal to be asked`;
    if (entry.generate) return `${notSet}; pnpm dev:setup --yes generates it`;
    return `${notSet} and .env.example does not mark it "${GENERATE_MARKER}"; set it in ${input.file} or the environment, or run pnpm dev:setup on a terminal to be asked`;
  };
  const alreadySet = needed.filter((name) => set.has(name));
  switch (input.mode) {
    case 'ask':
      return { ask: missing, generate: [], alreadySet, problems: [] };
    case 'yes':
      return {
        ask: [],
        generate: missing.filter((entry) => entry.generate),
        alreadySet,
        problems: missing.filter((entry) => !entry.generate).map(problem),
      };
    case 'check':
      return { ask: [], generate: [], alreadySet, problems: missing.map(problem) };
  }
}
