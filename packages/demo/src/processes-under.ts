import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/**
 * Processes whose command line names `dir` or whose working directory is under it: what a test or
 * a benchmark started in its own directory, including what an interrupted command left behind.
 */
export function processesUnder(dir: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').replaceAll('\0', ' ');
      let cwd = '';
      try {
        cwd = readlinkSync(`/proc/${name}/cwd`);
      } catch {
        // gone, or a kernel thread
      }
      if (cmdline.includes(dir) || cwd === dir || cwd.startsWith(`${dir}/`)) pids.push(Number(name));
    } catch {
      // exited while we looked
    }
  }
  return pids;
}
