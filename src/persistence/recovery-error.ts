/**
 * The store cannot be recovered to a state that is known to be right: the
 * server must not start. The message says what was found and what to do.
 */
export class RecoveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecoveryError';
  }
}
