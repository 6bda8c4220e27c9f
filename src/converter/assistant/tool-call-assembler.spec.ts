import { ToolNameMap } from '../kiro/tool-names';
import type { AssistantEvent } from './assistant-events';
import { InvalidToolArgumentsError, ToolCallAssembler } from './tool-call-assembler';

type ToolUse = Parameters<ToolCallAssembler['process']>[0];

function use(toolUseId: string, name: string, input?: ToolUse['input'], stop = false): ToolUse {
  return { toolUseId, name, input, stop };
}

function feed(assembler: ToolCallAssembler, events: ToolUse[]): AssistantEvent[] {
  return events.flatMap((event) => assembler.process(event));
}

const whole = (index: number, id: string, name: string, args: string): AssistantEvent[] => [
  { type: 'toolCall', index, id, name, arguments: args, input: JSON.parse(args) as Record<string, unknown> },
];

describe(ToolCallAssembler.name, () => {
  it('passes a call on whole once Kiro stops it: start, its arguments, end', () => {
    const assembler = new ToolCallAssembler(new ToolNameMap());

    const events = feed(assembler, [
      use('tooluse_A', 'get_weather'),
      use('tooluse_A', 'get_weather', '{"city":'),
      use('tooluse_A', 'get_weather', '"Paris"}'),
      use('tooluse_A', 'get_weather', undefined, true),
    ]);

    expect(events).toStrictEqual(whole(0, 'tooluse_A', 'get_weather', '{"city":"Paris"}'));
  });

  it('passes nothing on while the call is still open', () => {
    const assembler = new ToolCallAssembler(new ToolNameMap());

    expect(feed(assembler, [use('tooluse_A', 'get_weather', ''), use('tooluse_A', 'get_weather', '{"city":')])).toStrictEqual([]);
  });

  it('passes interleaved calls on one after the other, indexed in the order they complete', () => {
    const assembler = new ToolCallAssembler(new ToolNameMap());

    const events = feed(assembler, [
      use('tooluse_A', 'read', '{"path":'),
      use('tooluse_B', 'write', '{"path":"b"}'),
      use('tooluse_A', 'read', '"a"}'),
      use('tooluse_B', 'write', undefined, true),
      use('tooluse_A', 'read', undefined, true),
    ]);

    expect(events).toStrictEqual([...whole(0, 'tooluse_B', 'write', '{"path":"b"}'), ...whole(1, 'tooluse_A', 'read', '{"path":"a"}')]);
  });

  it('counts the calls it passed on', () => {
    const assembler = new ToolCallAssembler(new ToolNameMap());

    feed(assembler, [use('tooluse_A', 'a', '{}', true), use('tooluse_B', 'b', '{}', true), use('tooluse_C', 'c', '{"x":')]);

    expect(assembler.count).toBe(2);
  });

  it('maps a shortened name back to the client name', () => {
    const names = new ToolNameMap();
    names.kiroName('files.read');
    const assembler = new ToolCallAssembler(names);

    expect(assembler.process(use('tooluse_A', 'files_read', '{}', true))).toStrictEqual(whole(0, 'tooluse_A', 'files.read', '{}'));
  });

  it('takes object input as the JSON arguments', () => {
    const assembler = new ToolCallAssembler(new ToolNameMap());

    const events = feed(assembler, [use('tooluse_A', 'get_weather', { city: 'Paris' }), use('tooluse_A', 'get_weather', undefined, true)]);

    expect(events).toStrictEqual(whole(0, 'tooluse_A', 'get_weather', '{"city":"Paris"}'));
  });

  it('uses the latest object input when it grows between events', () => {
    const assembler = new ToolCallAssembler(new ToolNameMap());

    const events = feed(assembler, [use('tooluse_A', 'f', { a: 1 }), use('tooluse_A', 'f', { a: 1, b: 2 }), use('tooluse_A', 'f', undefined, true)]);

    expect(events).toStrictEqual(whole(0, 'tooluse_A', 'f', '{"a":1,"b":2}'));
  });

  it('treats an empty object input as "fragments follow"', () => {
    const assembler = new ToolCallAssembler(new ToolNameMap());

    const events = feed(assembler, [use('tooluse_A', 'f', {}), use('tooluse_A', 'f', '{"a":1}'), use('tooluse_A', 'f', undefined, true)]);

    expect(events).toStrictEqual(whole(0, 'tooluse_A', 'f', '{"a":1}'));
  });

  it('gives a stopped call with no input at all the arguments {}', () => {
    const assembler = new ToolCallAssembler(new ToolNameMap());

    expect(feed(assembler, [use('tooluse_A', 'ping'), use('tooluse_A', 'ping', undefined, true)])).toStrictEqual(whole(0, 'tooluse_A', 'ping', '{}'));
  });

  it('ignores events for a call after its stop', () => {
    const assembler = new ToolCallAssembler(new ToolNameMap());
    feed(assembler, [use('tooluse_A', 'f', '{"a":1}'), use('tooluse_A', 'f', undefined, true)]);

    expect(feed(assembler, [use('tooluse_A', 'f', '{"a":1}'), use('tooluse_A', 'f', undefined, true)])).toStrictEqual([]);
  });

  it('completes input that stops between values with the closing brackets', () => {
    const assembler = new ToolCallAssembler(new ToolNameMap());

    const events = feed(assembler, [use('tooluse_A', 'f', '{"items":["a","b"'), use('tooluse_A', 'f', undefined, true)]);

    expect(events).toStrictEqual(whole(0, 'tooluse_A', 'f', '{"items":["a","b"]}'));
  });

  it('throws InvalidToolArgumentsError, a retryable 502 of its own, for a stopped call whose JSON cannot be completed', () => {
    const assembler = new ToolCallAssembler(new ToolNameMap());
    assembler.process(use('tooluse_A', 'Write', '{"content":"hello wor'));

    let error: unknown;
    try {
      assembler.process(use('tooluse_A', 'Write', undefined, true));
    } catch (err) {
      error = err;
    }

    expect(error).toBeInstanceOf(InvalidToolArgumentsError);
    expect(error).toMatchObject({
      status: 502,
      type: 'api_error',
      code: 'tool_call_invalid_arguments',
      retryable: true,
      message: 'The model finished the "Write" tool call with 21 characters of arguments that are not valid JSON. Sending the request again usually gives a well-formed call.',
    });
  });

  // Kiro's toolUseEvent input can be any JSON; every client API takes an object.
  it.each([
    ['null', 4],
    ['5', 1],
    ['"x"', 3],
    ['[]', 2],
    // Completed by the repair into an array: still not an object.
    ['[1,"a"', 7],
  ])('throws InvalidToolArgumentsError for a stopped call whose arguments are %s, not an object', (args, length) => {
    const assembler = new ToolCallAssembler(new ToolNameMap());
    assembler.process(use('tooluse_A', 'Write', args));

    expect(() => assembler.process(use('tooluse_A', 'Write', undefined, true))).toThrow(
      `The model finished the "Write" tool call with ${length} characters of arguments that are valid JSON but not an object. Sending the request again usually gives a well-formed call.`,
    );
    expect(assembler.count).toBe(0);
  });

  it('throws InvalidToolArgumentsError for an unstopped call whose arguments are valid JSON but not an object, at the normal end', () => {
    const assembler = new ToolCallAssembler(new ToolNameMap());
    assembler.process(use('tooluse_A', 'f', 'null'));
    assembler.markNormalEnd();

    expect(() => assembler.flush(false)).toThrow(InvalidToolArgumentsError);
  });

  describe('calls Kiro never stopped', () => {
    it('passes on a zero-argument call (input "" and no stop) once the answer ended normally', () => {
      const assembler = new ToolCallAssembler(new ToolNameMap());
      assembler.process(use('tooluse_A', 'list_files', ''));
      assembler.markNormalEnd();

      expect(assembler.flush(false)).toStrictEqual(whole(0, 'tooluse_A', 'list_files', '{}'));
      expect(assembler.cut).toStrictEqual([]);
    });

    it('passes on complete JSON arguments once the answer ended normally', () => {
      const assembler = new ToolCallAssembler(new ToolNameMap());
      assembler.process(use('tooluse_A', 'f', '{"x":1}'));
      assembler.markNormalEnd();

      expect(assembler.flush(false)).toStrictEqual(whole(0, 'tooluse_A', 'f', '{"x":1}'));
    });

    it('drops a call the answer did not end normally after, and names it as cut', () => {
      const assembler = new ToolCallAssembler(new ToolNameMap());
      feed(assembler, [use('tooluse_A', 'Read', '{"path":"a"}', true), use('tooluse_B', 'Write', '{"path":"b","content":"ab')]);

      expect(assembler.flush(false)).toStrictEqual([]);
      expect(assembler.cut).toStrictEqual(['Write']);
      expect(assembler.count).toBe(1);
    });

    it('drops a call whose arguments are not JSON, even after a normal end', () => {
      const assembler = new ToolCallAssembler(new ToolNameMap());
      assembler.process(use('tooluse_A', 'Write', '{"content":"ab'));
      assembler.markNormalEnd();

      expect(assembler.flush(false)).toStrictEqual([]);
      expect(assembler.cut).toStrictEqual(['Write']);
    });

    it('drops every unstopped call when Kiro reported its output limit', () => {
      const assembler = new ToolCallAssembler(new ToolNameMap());
      assembler.process(use('tooluse_A', 'f', '{"x":1}'));
      assembler.markNormalEnd();

      expect(assembler.flush(true)).toStrictEqual([]);
      expect(assembler.cut).toStrictEqual(['f']);
    });

    it('ignores a cut call repeated after the flush', () => {
      const assembler = new ToolCallAssembler(new ToolNameMap());
      assembler.process(use('tooluse_A', 'f', '{"x":'));
      assembler.flush(false);

      expect(assembler.process(use('tooluse_A', 'f', '1}', true))).toStrictEqual([]);
    });
  });

  it('flushes nothing when every call was stopped', () => {
    const assembler = new ToolCallAssembler(new ToolNameMap());
    assembler.process(use('tooluse_A', 'f', '{}', true));

    expect(assembler.flush(false)).toStrictEqual([]);
  });
});
