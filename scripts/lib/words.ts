/**
 * A command's words (its action, a name) apart from its flags and their values, wherever they
 * stand on the line: `pnpm assets --env staging prune` is `pnpm assets prune --env staging`.
 */
export function wordsOf(argv: readonly string[], valueFlags: ReadonlySet<string>): { words: string[]; flags: string[] } {
  const words: string[] = [];
  const flags: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('-')) words.push(arg);
    else {
      flags.push(arg);
      if (valueFlags.has(arg) && i + 1 < argv.length) flags.push(argv[++i]!);
    }
  }
  return { words, flags };
}
