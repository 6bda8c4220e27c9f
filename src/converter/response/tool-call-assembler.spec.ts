import { ToolNameMap } from '../kiro/tool-names';
import type { AssistantEvent } from './assistant-events';
import { ToolCallAssembler, TruncatedToolCallError } from './tool-call-assembler';

type ToolUse = Parameters<ToolCallAssembler['process']>[0];

function use(toolUseId: string, name: string, input?: ToolUse['input'], stop = false): ToolUse {
  return { toolUseId, name, input, stop };
}

function feed(assembler: ToolCallAssembler, events: ToolUse[]): AssistantEvent[] {
  return events.flatMap((event) => assembler.process(event));
}

describe(ToolCallAssembler.name, () => {
  it('assembles one call from a start, input fragments and a stop', () => {
    const assembler = new ToolCallAssembler(new ToolNameMap());

    const events = feed(assembler, [
      use('tooluse_A', 'get_weather'),
      use('tooluse_A', 'get_weather', '{"city":'),
      use('tooluse_A', 'get_weather', '"Paris"}'),
      use('tooluse_A', 'get_weather', undefined, true),
    ]);

    expect(events).toStrictEqual([
      { type: 'toolCallStart', index: 0, id: 'tooluse_A', name: 'get_weather' },
      { type: 'toolCallDelta', index: 0, argumentsDelta: '{"city":' },
      { type: 'toolCallDelta', index: 0, argumentsDelta: '"Paris"}' },
      { type: 'toolCallEnd', index: 0, arguments: '{"city":"Paris"}' },
    ]);
  });

  it('emits no delta for an empty input string on the first event', () => {
    const assembler = new ToolCallAssembler(new ToolNameMap());

    expect(assembler.process(use('tooluse_A', 'get_weather', ''))).toStrictEqual([
      { type: 'toolCallStart', index: 0, id: 'tooluse_A', name: 'get_weather' },
    ]);
  });

  it('gives interleaved calls stable indexes in order of first appearance', () => {
    const assembler = new ToolCallAssembler(new ToolNameMap());

    const events = feed(assembler, [
      use('tooluse_A', 'read', '{"path":'),
      use('tooluse_B', 'write', '{"path":"b"}'),
      use('tooluse_A', 'read', '"a"}'),
      use('tooluse_B', 'write', undefined, true),
      use('tooluse_A', 'read', undefined, true),
    ]);

    expect(events).toStrictEqual([
      { type: 'toolCallStart', index: 0, id: 'tooluse_A', name: 'read' },
      { type: 'toolCallDelta', index: 0, argumentsDelta: '{"path":' },
      { type: 'toolCallStart', index: 1, id: 'tooluse_B', name: 'write' },
      { type: 'toolCallDelta', index: 1, argumentsDelta: '{"path":"b"}' },
      { type: 'toolCallDelta', index: 0, argumentsDelta: '"a"}' },
      { type: 'toolCallEnd', index: 1, arguments: '{"path":"b"}' },
      { type: 'toolCallEnd', index: 0, arguments: '{"path":"a"}' },
    ]);
  });

  it('counts the calls it has seen', () => {
    const assembler = new ToolCallAssembler(new ToolNameMap());

    feed(assembler, [use('tooluse_A', 'a', '{}', true), use('tooluse_B', 'b', '{}', true)]);

    expect(assembler.count).toBe(2);
  });

  it('maps a shortened name back to the client name', () => {
    const names = new ToolNameMap();
    names.kiroName('files.read');
    const assembler = new ToolCallAssembler(names);

    expect(assembler.process(use('tooluse_A', 'files_read'))).toStrictEqual([
      { type: 'toolCallStart', index: 0, id: 'tooluse_A', name: 'files.read' },
    ]);
  });

  it('sends object input as one JSON delta at stop', () => {
    const assembler = new ToolCallAssembler(new ToolNameMap());

    const events = feed(assembler, [use('tooluse_A', 'get_weather', { city: 'Paris' }), use('tooluse_A', 'get_weather', undefined, true)]);

    expect(events).toStrictEqual([
      { type: 'toolCallStart', index: 0, id: 'tooluse_A', name: 'get_weather' },
      { type: 'toolCallDelta', index: 0, argumentsDelta: '{"city":"Paris"}' },
      { type: 'toolCallEnd', index: 0, arguments: '{"city":"Paris"}' },
    ]);
  });

  it('uses the latest object input when it grows between events', () => {
    const assembler = new ToolCallAssembler(new ToolNameMap());

    const events = feed(assembler, [
      use('tooluse_A', 'f', { a: 1 }),
      use('tooluse_A', 'f', { a: 1, b: 2 }),
      use('tooluse_A', 'f', undefined, true),
    ]);

    expect(events.slice(1)).toStrictEqual([
      { type: 'toolCallDelta', index: 0, argumentsDelta: '{"a":1,"b":2}' },
      { type: 'toolCallEnd', index: 0, arguments: '{"a":1,"b":2}' },
    ]);
  });

  it('treats an empty object input as "fragments follow"', () => {
    const assembler = new ToolCallAssembler(new ToolNameMap());

    const events = feed(assembler, [use('tooluse_A', 'f', {}), use('tooluse_A', 'f', '{"a":1}'), use('tooluse_A', 'f', undefined, true)]);

    expect(events.slice(1)).toStrictEqual([
      { type: 'toolCallDelta', index: 0, argumentsDelta: '{"a":1}' },
      { type: 'toolCallEnd', index: 0, arguments: '{"a":1}' },
    ]);
  });

  it('gives a call with no input at all the arguments {}', () => {
    const assembler = new ToolCallAssembler(new ToolNameMap());

    const events = feed(assembler, [use('tooluse_A', 'ping'), use('tooluse_A', 'ping', undefined, true)]);

    expect(events).toStrictEqual([
      { type: 'toolCallStart', index: 0, id: 'tooluse_A', name: 'ping' },
      { type: 'toolCallDelta', index: 0, argumentsDelta: '{}' },
      { type: 'toolCallEnd', index: 0, arguments: '{}' },
    ]);
  });

  it('closes a call whose only event carries input and stop together', () => {
    const assembler = new ToolCallAssembler(new ToolNameMap());

    expect(assembler.process(use('tooluse_A', 'f', '{"a":1}', true))).toStrictEqual([
      { type: 'toolCallStart', index: 0, id: 'tooluse_A', name: 'f' },
      { type: 'toolCallDelta', index: 0, argumentsDelta: '{"a":1}' },
      { type: 'toolCallEnd', index: 0, arguments: '{"a":1}' },
    ]);
  });

  it('ignores events for a call after its stop', () => {
    const assembler = new ToolCallAssembler(new ToolNameMap());
    feed(assembler, [use('tooluse_A', 'f', '{"a":1}'), use('tooluse_A', 'f', undefined, true)]);

    const late = feed(assembler, [use('tooluse_A', 'f', '{"a":1}'), use('tooluse_A', 'f', undefined, true)]);

    expect(late).toStrictEqual([]);
  });

  it('ignores a repeated start event before the input', () => {
    const assembler = new ToolCallAssembler(new ToolNameMap());

    const events = feed(assembler, [use('tooluse_A', 'f'), use('tooluse_A', 'f'), use('tooluse_A', 'f', '{}', true)]);

    expect(events).toStrictEqual([
      { type: 'toolCallStart', index: 0, id: 'tooluse_A', name: 'f' },
      { type: 'toolCallDelta', index: 0, argumentsDelta: '{}' },
      { type: 'toolCallEnd', index: 0, arguments: '{}' },
    ]);
  });

  it('completes input cut between values with the closing brackets, sent as a last delta', () => {
    const assembler = new ToolCallAssembler(new ToolNameMap());

    const events = feed(assembler, [use('tooluse_A', 'f', '{"items":["a","b"'), use('tooluse_A', 'f', undefined, true)]);

    expect(events).toStrictEqual([
      { type: 'toolCallStart', index: 0, id: 'tooluse_A', name: 'f' },
      { type: 'toolCallDelta', index: 0, argumentsDelta: '{"items":["a","b"' },
      { type: 'toolCallDelta', index: 0, argumentsDelta: ']}' },
      { type: 'toolCallEnd', index: 0, arguments: '{"items":["a","b"]}' },
    ]);
  });

  it('throws TruncatedToolCallError when the input was cut inside a string', () => {
    const assembler = new ToolCallAssembler(new ToolNameMap());
    assembler.process(use('tooluse_A', 'Write', '{"content":"hello wor'));

    expect(() => assembler.process(use('tooluse_A', 'Write', undefined, true))).toThrow(TruncatedToolCallError);
  });

  it('describes the truncation as a 502 tool_call_truncated naming the tool and the length received', () => {
    const assembler = new ToolCallAssembler(new ToolNameMap());
    assembler.process(use('tooluse_A', 'Write', '{"content":"hello wor'));

    let error: unknown;
    try {
      assembler.process(use('tooluse_A', 'Write', undefined, true));
    } catch (err) {
      error = err;
    }

    expect(error).toMatchObject({
      status: 502,
      type: 'api_error',
      code: 'tool_call_truncated',
      message:
        'Kiro cut off the arguments of the "Write" tool call after 21 characters (its output limit was probably reached). ' +
        'Ask for smaller steps, for example writing a long file in several calls.',
    });
  });

  it('closes calls never stopped when flushed', () => {
    const assembler = new ToolCallAssembler(new ToolNameMap());
    feed(assembler, [use('tooluse_A', 'a', '{"x":1}'), use('tooluse_B', 'b', '{"y":["z"'), use('tooluse_C', 'c', '{}', true)]);

    expect(assembler.flush()).toStrictEqual([
      { type: 'toolCallEnd', index: 0, arguments: '{"x":1}' },
      { type: 'toolCallDelta', index: 1, argumentsDelta: ']}' },
      { type: 'toolCallEnd', index: 1, arguments: '{"y":["z"]}' },
    ]);
  });

  it('throws TruncatedToolCallError at flush for a call cut inside a string', () => {
    const assembler = new ToolCallAssembler(new ToolNameMap());
    assembler.process(use('tooluse_A', 'Write', '{"content":"abc'));

    expect(() => assembler.flush()).toThrow(TruncatedToolCallError);
  });

  it('flushes nothing when every call was stopped', () => {
    const assembler = new ToolCallAssembler(new ToolNameMap());
    assembler.process(use('tooluse_A', 'f', '{}', true));

    expect(assembler.flush()).toStrictEqual([]);
  });
});
