import { SwitchyardError } from '@switchyard/config';

/**
 * A value that cannot be written safely into a file. Config validation normally stops such
 * values first; renderers check again because they are exported and may get any object.
 * The message names the value's key, never the value (it may be a secret).
 */
export class RenderError extends SwitchyardError {
  constructor(message: string) {
    super(message, 2);
  }
}
