/** The upstream byte stream cannot be decoded: a corrupt, truncated or oversized frame. */
export class InvalidFrameError extends Error {
  constructor(detail: string) {
    super(`Invalid event-stream frame from Kiro: ${detail}`);
    this.name = 'InvalidFrameError';
  }
}
