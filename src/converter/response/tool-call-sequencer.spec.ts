import type { AssistantEvent } from './assistant-events';
import { ToolCallSequencer } from './tool-call-sequencer';

const run = (events: AssistantEvent[]) => {
  const sequencer = new ToolCallSequencer();
  return events.flatMap((event) => sequencer.process(event));
};

const END: AssistantEvent = { type: 'end', finishReason: 'tool_calls', usage: { inputTokens: 1, outputTokens: 1 } };

describe(ToolCallSequencer.name, () => {
  it('puts two interleaved tool calls one after the other', () => {
    expect(
      run([
        { type: 'toolCallStart', index: 0, id: 'A', name: 'read_file' },
        { type: 'toolCallStart', index: 1, id: 'B', name: 'grep' },
        { type: 'toolCallDelta', index: 0, argumentsDelta: '{"path":' },
        { type: 'toolCallDelta', index: 1, argumentsDelta: '{"pattern":' },
        { type: 'toolCallDelta', index: 0, argumentsDelta: '"a.ts"}' },
        { type: 'toolCallDelta', index: 1, argumentsDelta: '"TODO"}' },
        { type: 'toolCallEnd', index: 0, arguments: '{"path":"a.ts"}' },
        { type: 'toolCallEnd', index: 1, arguments: '{"pattern":"TODO"}' },
        END,
      ]),
    ).toStrictEqual([
      { type: 'toolCallStart', index: 0, id: 'A', name: 'read_file' },
      { type: 'toolCallDelta', index: 0, argumentsDelta: '{"path":' },
      { type: 'toolCallDelta', index: 0, argumentsDelta: '"a.ts"}' },
      { type: 'toolCallEnd', index: 0, arguments: '{"path":"a.ts"}' },
      { type: 'toolCallStart', index: 1, id: 'B', name: 'grep' },
      { type: 'toolCallDelta', index: 1, argumentsDelta: '{"pattern":' },
      { type: 'toolCallDelta', index: 1, argumentsDelta: '"TODO"}' },
      { type: 'toolCallEnd', index: 1, arguments: '{"pattern":"TODO"}' },
      END,
    ]);
  });

  it('holds text that arrives while a call is open until the call ends', () => {
    const sequencer = new ToolCallSequencer();
    sequencer.process({ type: 'toolCallStart', index: 0, id: 'A', name: 'f' });

    expect(sequencer.process({ type: 'text', text: 'Looking it up.' })).toStrictEqual([]);
    expect(sequencer.process({ type: 'toolCallEnd', index: 0, arguments: '{}' })).toStrictEqual([
      { type: 'toolCallEnd', index: 0, arguments: '{}' },
      { type: 'text', text: 'Looking it up.' },
    ]);
  });

  it('passes events through untouched when nothing is open', () => {
    const events: AssistantEvent[] = [{ type: 'reasoning', text: 'r' }, { type: 'text', text: 't' }, END];

    expect(run(events)).toStrictEqual(events);
  });
});
