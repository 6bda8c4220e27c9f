import { ChunkSerializer } from './chunk-serializer';
import type { ChatCompletionChunk } from './chat-completion.types';

const base = { id: 'chatcmpl-1', object: 'chat.completion.chunk' as const, created: 1700000000, model: 'claude "quoted"', system_fingerprint: null };
const chunk = (delta: ChatCompletionChunk['choices'][0]['delta'], finish: 'stop' | null = null, usage?: null): ChatCompletionChunk => ({
  ...base,
  choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  ...(usage === null ? { usage: null } : {}),
});

describe(ChunkSerializer.name, () => {
  it.each([
    ['a role chunk', chunk({ role: 'assistant', content: '' })],
    ['text with escapes', chunk({ content: 'say "hi"\n\t世界 🎉' })],
    ['reasoning', chunk({ reasoning_content: 'hmm' })],
    ['a tool-call delta', chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'f', arguments: '' } }] })],
    ['a finish chunk', chunk({}, 'stop')],
    ['a chunk with usage: null', chunk({ content: 'x' }, null, null)],
    ['the usage chunk', { ...base, choices: [], usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } } as ChatCompletionChunk],
  ])('writes %s exactly as JSON.stringify would', (_label, value) => {
    const serializer = new ChunkSerializer();

    const written = serializer.serialize(value);

    expect(JSON.parse(written)).toEqual(JSON.parse(JSON.stringify(value)));
    expect(written).toBe(JSON.stringify(value));
  });

  it('follows a change of stream id', () => {
    const serializer = new ChunkSerializer();
    serializer.serialize(chunk({ content: 'a' }));

    expect(JSON.parse(serializer.serialize({ ...chunk({ content: 'b' }), id: 'chatcmpl-2' })).id).toBe('chatcmpl-2');
  });
});
