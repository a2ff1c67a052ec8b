import { SwitchyardError } from '@switchyard/config';

/** The operation failed and traffic is where it was: exit code 1. */
export class DeployFailed extends SwitchyardError {
  constructor(message: string) {
    super(message, 1);
  }
}
