/** Everything a command tells its user, as events: printed as text lines or as JSON lines. */
export type DeployEvent =
  | { type: 'start'; command: string; environment: string; detail: string }
  | { type: 'plan'; steps: string[] }
  | { type: 'step-start'; step: string }
  | { type: 'step-end'; step: string; durationMs: number; outcome: 'ok' | 'failed' }
  | { type: 'note'; message: string }
  /** Something went wrong that does not change the outcome (an audit line that could not be written). */
  | { type: 'warning'; message: string }
  | { type: 'diff'; path: string; diff: string }
  | { type: 'logs'; source: string; lines: string[] }
  /** A long transfer's progress (publishing assets): a bar on a terminal, a line now and then otherwise. */
  | { type: 'progress'; task: string; done: number; total: number; bytes: number; totalBytes: number; bytesPerSecond: number }
  | { type: 'status'; status: unknown }
  | { type: 'finish'; outcome: 'ok' | 'failed' | 'interrupted' | 'dry-run'; durationMs: number; error?: string };

/** An event and, for a remote server, the host it happened on. */
export type HostEvent = DeployEvent & { host?: string };

export interface Reporter {
  emit(event: HostEvent): void;
}

/** Everything `out` is told, marked as happening on `host`: each text line then starts with it. */
export function onHost(out: Reporter, host: string): Reporter {
  return { emit: (event) => out.emit({ ...event, host }) };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** Bytes as MiB with one decimal, as progress and publish notes show them. */
export const mib = (bytes: number) => (bytes / (1024 * 1024)).toFixed(1);

export function progressLine(event: Extract<DeployEvent, { type: 'progress' }>): string {
  const count = (n: number) => n.toLocaleString('en-US');
  return `${event.task}: ${count(event.done)}/${count(event.total)} files, ${mib(event.bytes)}/${mib(event.totalBytes)} MiB, ${mib(event.bytesPerSecond)} MiB/s`;
}

function textLines(event: DeployEvent): string[] {
  switch (event.type) {
    case 'start':
      return [`${event.command} (${event.environment}): ${event.detail}`];
    case 'plan':
      return ['Plan:', ...event.steps.map((step, i) => `  ${i + 1}. ${step}`)];
    case 'step-start':
      return [`  ▸ ${event.step}`];
    case 'step-end':
      return [`    ${event.outcome === 'ok' ? '✓' : '✗'} ${seconds(event.durationMs)}`];
    case 'note':
      return [`    ${event.message}`];
    case 'warning':
      return [`  ! ${event.message}`];
    case 'diff':
      return [event.diff.trimEnd()];
    case 'logs':
      return [`    --- last lines of ${event.source} ---`, ...event.lines.map((line) => `    ${line}`)];
    case 'progress':
      return [`    ${progressLine(event)}`];
    case 'status':
      return [];
    case 'finish':
      if (event.outcome === 'dry-run') return ['Dry run: nothing was changed.'];
      if (event.outcome === 'interrupted') return [`Interrupted after ${seconds(event.durationMs)}`];
      return [event.outcome === 'ok' ? `Finished in ${seconds(event.durationMs)}` : `Failed after ${seconds(event.durationMs)}`];
  }
}

const PLAIN_PROGRESS_EVERY_MS = 2_000;
const BAR_WIDTH = 24;

const prefixed = (event: HostEvent, line: string) => (event.host ? `[${event.host}] ${line}` : line);

/** Lines for a log or a pipe: a transfer's progress at most every couple of seconds. */
export function textReporter(write: (line: string) => void): Reporter {
  const lastProgress = new Map<string, number>();
  return {
    emit: (event) => {
      if (event.type === 'progress') {
        const key = `${event.host ?? ''} ${event.task}`;
        const now = performance.now();
        if (event.done < event.total && now - (lastProgress.get(key) ?? -Infinity) < PLAIN_PROGRESS_EVERY_MS) return;
        lastProgress.set(key, now);
      }
      textLines(event).forEach((line) => write(prefixed(event, line)));
    },
  };
}

/** As textReporter, on a terminal: a transfer's progress is one bar, redrawn in place. */
export function terminalReporter(write: (text: string) => void): Reporter {
  let barShown = false;
  return {
    emit: (event) => {
      if (event.type === 'progress') {
        const share = event.totalBytes > 0 ? event.bytes / event.totalBytes : event.total > 0 ? event.done / event.total : 1;
        const filled = Math.round(Math.min(1, share) * BAR_WIDTH);
        write(`\r\x1b[2K${prefixed(event, `    [${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${progressLine(event)}`)}`);
        barShown = true;
        return;
      }
      if (barShown) write('\r\x1b[2K');
      barShown = false;
      for (const line of textLines(event)) write(`${prefixed(event, line)}\n`);
    },
  };
}

/** One JSON object per line, each carrying the deploy id and a timestamp. */
export function jsonReporter(write: (line: string) => void, deployId: string): Reporter {
  return { emit: (event) => write(JSON.stringify({ deployId, at: new Date().toISOString(), ...event })) };
}
