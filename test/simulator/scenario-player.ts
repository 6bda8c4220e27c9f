import type { ServerResponse } from 'node:http';
import { sendJson } from './http-utils';
import { concatBytes, framesOf } from './scenario-frames';
import type { Scenario, StreamScenario } from './scenarios';

/** How a played response ended, decided once, from the response's own 'close' event. */
export type PlayOutcome =
  | 'completed' // every byte handed to the socket and the response ended
  | 'aborted' // the client went away before the simulator finished
  | 'cut'; // the scenario destroyed the socket on purpose

export const EVENT_STREAM_CONTENT_TYPE = 'application/vnd.amazon.eventstream';

/**
 * Plays one scenario onto one response: delays, write splitting, cuts, hangs and backpressure.
 * 'close' before 'finish' is the only reliable disconnect signal for a response (style.md), so
 * every wait here (timer, drain, flush) also wakes up on close and the run stops writing.
 */
export class ScenarioPlayer {
  private closed = false;
  private cutOnPurpose = false;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly res: ServerResponse,
    private readonly scenario: Scenario,
    private readonly requestId: string,
    onEnd: (outcome: PlayOutcome) => void,
  ) {
    res.once('close', () => {
      this.closed = true;
      this.cancelWait();
      onEnd(res.writableFinished ? 'completed' : this.cutOnPurpose ? 'cut' : 'aborted');
    });
  }

  async play(): Promise<void> {
    const scenario = this.scenario;
    switch (scenario.kind) {
      case 'hang':
        return; // Nothing to do: the response stays open until the client or close() ends it.
      case 'drop':
        this.cutOnPurpose = true;
        this.res.socket?.destroy();
        return;
      case 'http-error':
        if (!(await this.sleep(scenario.delayMs ?? 0))) return;
        sendJson(this.res, scenario.status, scenario.body, {
          'x-amzn-requestid': this.requestId,
          ...scenario.headers,
        });
        return;
      case 'stream':
        return this.playStream(scenario);
    }
  }

  private async playStream(scenario: StreamScenario): Promise<void> {
    if (!(await this.sleep(scenario.headersDelayMs ?? 0))) return;
    this.res.writeHead(200, {
      'content-type': EVENT_STREAM_CONTENT_TYPE,
      'x-amzn-requestid': this.requestId,
    });
    // Clients wait for the 2xx before reading frames; let them see it before the first byte.
    this.res.flushHeaders();
    if (!(await this.sleep(scenario.firstByteDelayMs ?? 0))) return;

    const frames = framesOf(scenario);
    const cutAt = scenario.cutAfterFrames ?? Infinity;
    const hangAt = scenario.hangAfterFrames ?? Infinity;
    const stopAt = Math.min(frames.length, cutAt, hangAt);
    const willCut = cutAt <= hangAt && scenario.cutAfterFrames !== undefined;
    const willStop = willCut || scenario.hangAfterFrames !== undefined;

    const written = await this.writeFrames(scenario, frames, stopAt, willCut);
    if (!written) return;
    if (willCut) {
      this.cutOnPurpose = true;
      this.res.socket?.destroy();
    } else if (!willStop) {
      this.res.end();
    } // else: hang with the socket open until the client gives up.
  }

  /** Returns false when the client went away. Waits for the last write to flush before a cut. */
  private async writeFrames(
    scenario: StreamScenario,
    frames: readonly Uint8Array[],
    count: number,
    flushLast: boolean,
  ): Promise<boolean> {
    const split = scenario.split ?? 'frame';
    if (split === 'frame') {
      for (let i = 0; i < count; i++) {
        if (i > 0 && !(await this.sleep(scenario.frameDelayMs ?? 0))) return false;
        if (!(await this.write(frames[i], flushLast && i === count - 1))) return false;
      }
      return !this.closed;
    }
    const bytes = concatBytes(count === frames.length ? frames : frames.slice(0, count));
    if (split === 'whole') return bytes.length === 0 || this.write(bytes, flushLast);
    const step = Math.max(1, Math.floor(split.everyBytes));
    for (let offset = 0; offset < bytes.length; offset += step) {
      // A macrotask gap between writes, so pieces leave as separate writes and arrive as separate reads.
      if (offset > 0 && !(await this.nextTick())) return false;
      const end = Math.min(offset + step, bytes.length);
      if (!(await this.write(bytes.subarray(offset, end), flushLast && end === bytes.length))) return false;
    }
    return !this.closed;
  }

  /** Respects backpressure: when res.write says the buffer is full, wait for 'drain' (or close). */
  private write(chunk: Uint8Array, awaitFlush: boolean): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    if (!awaitFlush) {
      if (this.res.write(chunk)) return Promise.resolve(true);
      return this.waitFor((done) => this.res.once('drain', done));
    }
    return this.waitFor((done) => this.res.write(chunk, () => done()));
  }

  private sleep(ms: number): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    if (ms <= 0) return Promise.resolve(true);
    return this.waitFor((done) => {
      this.timer = setTimeout(done, ms);
    });
  }

  private nextTick(): Promise<boolean> {
    return this.waitFor((done) => {
      this.immediate = setImmediate(done);
    });
  }

  /** One pending wait at a time; resolves true when `arm`'s callback fires, false on close. */
  private waitFor(arm: (done: () => void) => void): Promise<boolean> {
    return new Promise((resolve) => {
      let settled = false;
      const settle = (value: boolean): void => {
        if (settled) return;
        settled = true;
        this.wake = undefined;
        resolve(value);
      };
      this.wake = () => settle(false);
      arm(() => settle(!this.closed));
    });
  }

  private cancelWait(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    this.wake?.();
  }
}
