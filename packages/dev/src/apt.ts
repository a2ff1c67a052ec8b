/** The commands that install Debian packages, as root from a script and as a person would type them. */

/** Unattended, as root: refresh the lists, then install without prompts or recommended extras. */
export function aptInstallCommands(packages: readonly string[]): { argv: string[]; env?: Record<string, string> }[] {
  return [
    { argv: ['apt-get', 'update', '-qq'] },
    { argv: ['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...packages], env: { DEBIAN_FRONTEND: 'noninteractive' } },
  ];
}

/** What to tell a person: the apt-get line (with sudo unless they are root), or its Debian names elsewhere. */
export function aptFix(packages: readonly string[], where: { root: boolean; aptGet: boolean }): string {
  const line = `${where.root ? '' : 'sudo '}apt-get install -y ${packages.join(' ')}`;
  return where.aptGet ? line : `install ${packages.join(' ')} with the system's package manager (Debian: ${line})`;
}
