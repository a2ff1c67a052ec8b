/** What a check found about one prerequisite on this machine. */
export interface PrerequisiteFinding {
  readonly name: string;
  readonly ok: boolean;
  /** The version found (or where, when it has none to tell); when not ok, what is wrong. */
  readonly detail: string;
  /** Why it is needed: the config key that asks for it, or the part of Switchyard that runs it. */
  readonly why: string;
  /** The Debian package that provides it: what an install as root puts in. */
  readonly aptPackage?: string;
  /** When not ok: the exact command (or step) that fixes it. */
  readonly fix?: string;
  /** Information, not a requirement: which supervisor will run the colours. */
  readonly info?: true;
}
