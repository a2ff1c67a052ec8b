import type { DeployState } from '@switchyard/host';
import type { Color, LinkSpec, LiveState, RenderedFile } from '@switchyard/templates';

/**
 * What a step does, as plain data: planners build lists of these from config and facts (pure, so
 * `--dry-run` can print them), and the executor carries them out.
 */
export type Action =
  | { kind: 'preflight' }
  | { kind: 'ship-release'; releaseId: string; source: string }
  | { kind: 'install'; releaseId: string; reuseFrom: string | null }
  | { kind: 'link-color'; color: Color; releaseId: string }
  /** `links`: the canary buckets' symlinks in socket mode (created or repaired; [] with ports). */
  | { kind: 'write-files'; files: RenderedFile[]; links: LinkSpec[] }
  | { kind: 'start-color'; color: Color; restart: boolean }
  | { kind: 'health-gate'; color: Color; stopOnFailure: boolean }
  | { kind: 'switch-socket'; live: Color }
  /** Socket mode's canary (start, change, end): renames the bucket links that differ from `links`. */
  | { kind: 'point-buckets'; live: LiveState; links: LinkSpec[] }
  | { kind: 'switch-reload'; live: LiveState; liveConf: RenderedFile }
  /** `undo` puts traffic back where it was if nginx does not confirm. */
  | { kind: 'confirm'; expected: string; undo: Action[] }
  | { kind: 'drain'; color: Color; graceMs: number }
  | { kind: 'record-state'; state: DeployState }
  | { kind: 'prune'; releaseIds: string[] };

export interface Step {
  /** One line, shown as the step starts: "Start green", "Switch to green (socket rename)". */
  name: string;
  action: Action;
}
