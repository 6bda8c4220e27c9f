import { config, from, lastValueFrom, Subject, toArray } from 'rxjs';
import type { AssistantEvent } from './assistant-events';
import { render, renderReply } from './render';
import type { Renderer } from './renderer';

const END: AssistantEvent = { type: 'end', finishReason: 'stop', usage: { inputTokens: 1, outputTokens: 1 } };

/** A renderer that names what it was asked, and throws where a test tells it to. */
class RecordingRenderer implements Renderer<string, string[]> {
  readonly seen: string[] = [];

  constructor(private readonly throwOn?: 'start' | 'text' | 'finish') {}

  start(): string[] {
    if (this.throwOn === 'start') throw new TypeError('broken start');
    return ['start'];
  }

  process(event: AssistantEvent): string[] {
    if (event.type === 'text' && this.throwOn === 'text') throw new TypeError("Cannot read properties of null (reading 'input')");
    this.seen.push(event.type);
    return event.type === 'end' ? ['closing', 'final'] : [event.type];
  }

  finish(): string[] {
    if (this.throwOn === 'finish') throw new TypeError('broken finish');
    return ['finished'];
  }

  fail(error: unknown): string[] {
    return [`failed: ${(error as Error).message}`];
  }

  result(): string[] {
    return this.seen;
  }
}

describe(render.name, () => {
  const unhandled = jest.fn();
  const rxDefault = config.onUnhandledError;
  beforeEach(() => {
    unhandled.mockReset();
    config.onUnhandledError = unhandled;
  });
  afterAll(() => {
    config.onUnhandledError = rxDefault;
  });

  it('runs start on subscription, process per event, and finish on completion', async () => {
    const out = await lastValueFrom(from<AssistantEvent[]>([{ type: 'text', text: 'a' }, END]).pipe(render(new RecordingRenderer()), toArray()));

    expect(out).toStrictEqual(['start', 'text', 'closing', 'final', 'finished']);
  });

  it("turns a throw inside process into the renderer's failure events, once, and stops the upstream", async () => {
    const onFailure = jest.fn();
    const upstream = new Subject<AssistantEvent>();
    const out: string[] = [];
    let completed = false;

    upstream.pipe(render(new RecordingRenderer('text'), { onFailure })).subscribe({ next: (event) => out.push(event), complete: () => (completed = true) });
    upstream.next({ type: 'reasoning', text: 'r' });
    upstream.next({ type: 'text', text: 'boom' });

    expect(out).toStrictEqual(['start', 'reasoning', "failed: Cannot read properties of null (reading 'input')"]);
    expect(completed).toBe(true);
    expect(onFailure).toHaveBeenCalledTimes(1);
    expect(onFailure.mock.calls[0][0]).toBeInstanceOf(TypeError);
    expect(upstream.observed).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(unhandled).not.toHaveBeenCalled();
  });

  it("turns an upstream error into the renderer's failure events", async () => {
    const onFailure = jest.fn();
    const upstream = new Subject<AssistantEvent>();
    const out: string[] = [];

    upstream.pipe(render(new RecordingRenderer(), { onFailure })).subscribe((event) => out.push(event));
    upstream.next({ type: 'text', text: 'a' });
    upstream.error(new Error('Kiro failed mid-stream'));

    expect(out).toStrictEqual(['start', 'text', 'failed: Kiro failed mid-stream']);
    expect(onFailure).toHaveBeenCalledWith(new Error('Kiro failed mid-stream'));
  });

  it.each(['start', 'finish'] as const)("turns a throw inside %s into the renderer's failure events", async (where) => {
    const out = await lastValueFrom(from<AssistantEvent[]>([END]).pipe(render(new RecordingRenderer(where), { onFailure: () => undefined }), toArray()));

    expect(out.at(-1)).toBe(`failed: broken ${where}`);
  });

  it('passes a failure on as the error when no onFailure is given', async () => {
    const attempt = lastValueFrom(from<AssistantEvent[]>([{ type: 'text', text: 'x' }]).pipe(render(new RecordingRenderer('text')), toArray()));

    await expect(attempt).rejects.toThrow(TypeError);
    expect(unhandled).not.toHaveBeenCalled();
  });

  it('holds the last event of the end batch until beforeFinal resolved', async () => {
    let settle: () => void = () => undefined;
    const settled = new Promise<void>((resolve) => (settle = resolve));
    const upstream = new Subject<AssistantEvent>();
    const out: string[] = [];
    let completed = false;

    upstream.pipe(render(new RecordingRenderer(), { beforeFinal: () => settled })).subscribe({ next: (event) => out.push(event), complete: () => (completed = true) });
    upstream.next(END);
    upstream.complete();
    await Promise.resolve();

    expect(out).toStrictEqual(['start', 'closing']);
    expect(completed).toBe(false);
    settle();
    await new Promise((resolve) => setImmediate(resolve));
    expect(out).toStrictEqual(['start', 'closing', 'final', 'finished']);
    expect(completed).toBe(true);
  });
});

describe(renderReply.name, () => {
  it('feeds the renderer without opening events and emits nothing', async () => {
    const renderer = new RecordingRenderer();

    const out = await lastValueFrom(from<AssistantEvent[]>([{ type: 'text', text: 'a' }, END]).pipe(renderReply(renderer), toArray()));

    expect(out).toStrictEqual([]);
    expect(renderer.result()).toStrictEqual(['text', 'end']);
  });

  it('fails with the error a renderer throws', async () => {
    const attempt = lastValueFrom(from<AssistantEvent[]>([{ type: 'text', text: 'a' }]).pipe(renderReply(new RecordingRenderer('text'))), { defaultValue: undefined });

    await expect(attempt).rejects.toThrow("Cannot read properties of null (reading 'input')");
  });
});
