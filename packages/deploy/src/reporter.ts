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
    case 'status':
      return [];
    case 'finish':
      if (event.outcome === 'dry-run') return ['Dry run: nothing was changed.'];
      if (event.outcome === 'interrupted') return [`Interrupted after ${seconds(event.durationMs)}`];
      return [event.outcome === 'ok' ? `Finished in ${seconds(event.durationMs)}` : `Failed after ${seconds(event.durationMs)}`];
  }
}

export function textReporter(write: (line: string) => void): Reporter {
  return { emit: (event) => textLines(event).forEach((line) => write(event.host ? `[${event.host}] ${line}` : line)) };
}

/** One JSON object per line, each carrying the deploy id and a timestamp. */
export function jsonReporter(write: (line: string) => void, deployId: string): Reporter {
  return { emit: (event) => write(JSON.stringify({ deployId, at: new Date().toISOString(), ...event })) };
}
