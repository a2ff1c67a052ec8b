import type { DeployState } from '@switchyard/host';
import type { Color, LinkSpec, LiveState, RenderedFile } from '@switchyard/templates';

/**
 * What a release is made of, on the deploying machine: a directory (rsync), or a commit (git
 * archive); `bytes`: about the space it takes on the server.
 */
export type ShipSource = ({ type: 'path'; dir: string } | { type: 'git'; mirror: string; commit: string }) & { bytes: number };

/**
 * What a step does, as plain data: planners build lists of these from config and facts (pure, so
 * `--dry-run` can print them), and the executor carries them out.
 */
export type Action =
  | { kind: 'preflight' }
  | { kind: 'ship-release'; releaseId: string; source: ShipSource; basis: string | null }
  /** Every `shared.dirs` / `shared.files` path of the release made a link into shared/ (seeded from it once). */
  | { kind: 'link-shared'; releaseId: string; dirs: string[]; files: string[] }
  | { kind: 'install'; releaseId: string; reuseFrom: string | null }
  /** One request to the bucket with the deploy's credentials, or the server's folder is writable: before anything is shipped. */
  | { kind: 'check-asset-store' }
  /** The release's built `assets.from` folder published (only what changed), its manifest written into the release. */
  | { kind: 'publish-assets'; releaseId: string; deployId: string }
  /** The embedded database's server (migrations.database "pglite") started unless it runs, and answering: before migrations and colours. */
  | { kind: 'start-database' }
  | { kind: 'link-color'; color: Color; releaseId: string }
  /**
   * The environment's pending migrations of a phase, read from the release's source: expand before
   * the new colour starts (after the safety check), contract once the old colour has stopped.
   * `on-server`: from the folder of release `releaseId` on the server (the live release's contract
   * migrations, left waiting while the colour before it was kept warm).
   */
  | { kind: 'migrate'; phase: 'expand' | 'contract'; source: ShipSource | 'on-server'; deployId: string; releaseId: string }
  /**
   * A rollback's migrations, from the journal as release `to` sees it: refused past a contract
   * migration unless `revert` (--migrations); reverting, the newest contract ones before `to`
   * starts and the rest once `from`'s colour has stopped, with `from`'s down SQL.
   */
  | { kind: 'rollback-migrations'; stage: 'before-start' | 'after-stop'; from: string; to: string; revert: boolean; deployId: string }
  /** `links`: the canary buckets' symlinks in socket mode (created or repaired; [] with ports). */
  | { kind: 'write-files'; files: RenderedFile[]; links: LinkSpec[] }
  | { kind: 'start-color'; color: Color }
  /** nginx was found not running: tested, then started, before any link moves. */
  | { kind: 'start-nginx' }
  | { kind: 'health-gate'; color: Color; stopOnFailure: boolean; warmUp: boolean }
  /**
   * Renames live.sock to `live`'s socket and idle.sock to `idle`'s. idle.sock is every bucket's
   * backup and the staging route: only ever a colour that passed its gate and keeps running.
   */
  | { kind: 'switch-socket'; live: Color; idle: Color }
  /** Renames idle.sock alone: before a colour is (re)started, and once it has passed its gate. */
  | { kind: 'point-idle'; color: Color }
  /** Socket mode's canary (start, change, end): renames the bucket links that differ from `links`. */
  | { kind: 'point-buckets'; live: LiveState; links: LinkSpec[] }
  /** `undo` puts traffic back where it was if nginx does not confirm. */
  | { kind: 'confirm'; expected: string; undo: Action[] }
  /**
   * After the switch, with `previous` still up as the backup: watches `color`'s process and health
   * for `ms`; on a failure or a restart, runs `undo` (traffic back to `previous`) and stops `color`.
   */
  | { kind: 'watch'; color: Color; previous: Color; ms: number; undo: Action[] }
  /** Waits until nginx holds no connection to the colour (at most maxWaitMs), then stops it. */
  | { kind: 'drain'; color: Color; maxWaitMs: number }
  /** The worker unit, rendered for the new live colour's release, installed and restarted. */
  | { kind: 'restart-worker'; unit: RenderedFile }
  | { kind: 'record-state'; state: DeployState }
  | { kind: 'prune'; releaseIds: string[] };

export interface Step {
  /** One line, shown as the step starts: "Start green", "Switch to green (socket rename)". */
  name: string;
  action: Action;
}
