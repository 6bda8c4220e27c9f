/**
 * Backpressure across the stream pipeline: the writer closes the gate when the client's socket is
 * full and opens it on `drain`; the upstream reader waits at the gate before reading more, so a
 * slow client slows Kiro's body down instead of filling the gateway's memory.
 */
export class FlowGate {
  private closed: { promise: Promise<void>; open: () => void } | undefined;

  pause(): void {
    if (this.closed) return;
    let open: () => void = () => undefined;
    const promise = new Promise<void>((resolve) => (open = resolve));
    this.closed = { promise, open };
  }

  resume(): void {
    const closed = this.closed;
    this.closed = undefined;
    closed?.open();
  }

  /** Resolves at once while open; otherwise when resumed. */
  wait(): Promise<void> | undefined {
    return this.closed?.promise;
  }
}
