/**
 * A credential source that cannot be used at start-up: a user's file or setting to fix, not a bug.
 * The message is one line naming the file or variable, what is wrong and what to do; it never
 * quotes the file's content (that holds the tokens).
 */
export class CredentialSourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CredentialSourceError';
  }
}
