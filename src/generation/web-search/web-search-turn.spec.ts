import { lastValueFrom, of, toArray, type Observable } from 'rxjs';
import type { AssistantEvent, Conversation } from '../../converter';
import { userMessage } from '../../converter/conversation';
import type { KiroSession, WebSearchOutcome } from '../../kiro';
import { MAX_SEARCHES_PER_RESPONSE, type SearchRound, WebSearchTurn, type WebSearchTurnOptions } from './web-search-turn';

const session = { profileArn: 'arn', machineId: 'm' } as unknown as KiroSession;
const signal = new AbortController().signal;
const usage = { inputTokens: 10, outputTokens: 5, credits: 0.5 };
const end = (finishReason: 'stop' | 'tool_calls' = 'stop'): AssistantEvent => ({ type: 'end', finishReason, usage });
const call = (id: string, name: string, input: Record<string, unknown>, index = 0): AssistantEvent => ({ type: 'toolCall', index, id, name, input, arguments: JSON.stringify(input) });
const search = (id: string, query: string) => call(id, 'web_search', { query });
const text = (t: string): AssistantEvent => ({ type: 'text', text: t });
const conversation = (): Conversation => ({ system: [], messages: [userMessage('hi')], tools: [], toolChoice: { type: 'auto' }, webSearch: { toolName: 'web_search' } });

/** A turn over scripted rounds: the first is `first`, each next one the next of `rounds`; records what it searched and asked. */
function turnOver(rounds: Array<Observable<AssistantEvent>>, overrides: Partial<WebSearchTurnOptions> = {}) {
  const searched: string[] = [];
  const sessions: Array<KiroSession | undefined> = [];
  const asked: Conversation[] = [];
  const notes: string[] = [];
  const turn = new WebSearchTurn({
    request: { toolName: 'web_search' },
    maxRounds: 5,
    search: async (query, _signal, on): Promise<WebSearchOutcome> => {
      searched.push(query);
      sessions.push(on);
      return { query, hits: [{ title: `T ${query}`, url: 'https://e.com/', snippet: 'S' }] };
    },
    nextRound: async (next): Promise<SearchRound> => {
      asked.push(next);
      return { events$: rounds.shift() ?? of(end()) };
    },
    note: (message) => notes.push(message),
    ...overrides,
  });
  return { turn, searched, sessions, asked, notes };
}

const events = (turn: WebSearchTurn, first: Observable<AssistantEvent>, sent = conversation()) => lastValueFrom(turn.events({ events$: first }, sent, signal).pipe(toArray()));

describe(WebSearchTurn.name, () => {
  it('passes a round without searches through as it is, counting no searches', async () => {
    const { turn } = turnOver([]);
    expect(await events(turn, of(text('hi'), end()))).toEqual([text('hi'), { ...end(), usage: { ...usage, webSearchRequests: 0 } }]);
  });

  it('runs the search the model asks for, passes it on, and continues with the results as the tool\'s answer', async () => {
    const { turn, searched, asked } = turnOver([of(text('Answer.'), end())]);

    const out = await events(turn, of(text('Looking. '), search('tooluse_1', 'kiro'), end('tool_calls')));

    expect(searched).toEqual(['kiro']);
    expect(out).toEqual([
      text('Looking. '),
      { type: 'webSearch', id: 'tooluse_1', query: 'kiro' },
      { type: 'webSearchResult', id: 'tooluse_1', query: 'kiro', hits: [{ title: 'T kiro', url: 'https://e.com/', snippet: 'S' }] },
      text('Answer.'),
      { type: 'end', finishReason: 'stop', usage: { inputTokens: 20, outputTokens: 10, credits: 1, webSearchRequests: 1 } },
    ]);
    const messages = asked[0].messages;
    expect(messages.slice(1)).toEqual([
      { role: 'assistant', text: 'Looking. ', toolCalls: [{ id: 'tooluse_1', name: 'web_search', input: { query: 'kiro' } }] },
      { role: 'user', text: '', images: [], toolResults: [{ toolCallId: 'tooluse_1', text: expect.stringContaining('Web search results for "kiro"'), isError: false }] },
    ]);
  });

  it('ends the turn after WEB_SEARCH_MAX_ROUNDS continuations, with a note, however often the model searches', async () => {
    const again = () => of(search(`tooluse_${Math.random()}`, 'more'), end('tool_calls'));
    const { turn, searched, asked, notes } = turnOver([again(), again(), again()], { maxRounds: 2 });

    const out = await events(turn, again());

    expect(asked).toHaveLength(2);
    expect(searched).toHaveLength(2);
    expect(out.at(-1)).toMatchObject({ type: 'end', finishReason: 'stop', usage: { webSearchRequests: 2 } });
    expect(notes).toEqual([expect.stringContaining('WEB_SEARCH_MAX_ROUNDS (2)')]);
  });

  it(`never runs more than ${MAX_SEARCHES_PER_RESPONSE} searches, whatever max_uses says`, async () => {
    const many = Array.from({ length: MAX_SEARCHES_PER_RESPONSE + 3 }, (_, i) => search(`tooluse_${i}`, `q${i}`));
    const { turn, searched } = turnOver([], { request: { toolName: 'web_search', maxUses: 1000 } });

    const out = await events(turn, of(...many, end('tool_calls')));

    expect(searched).toHaveLength(MAX_SEARCHES_PER_RESPONSE);
    expect(out.filter((e) => e.type === 'webSearchResult' && e.refusal === 'max_uses_exceeded')).toHaveLength(3);
  });

  it('answers a search without a query with invalid_tool_input, searching nothing', async () => {
    const { turn, searched } = turnOver([]);
    const out = await events(turn, of(call('tooluse_1', 'web_search', {}), end('tool_calls')));

    expect(searched).toEqual([]);
    expect(out).toContainEqual({ type: 'webSearchResult', id: 'tooluse_1', query: '', hits: [], refusal: 'invalid_tool_input' });
  });

  it('ends a round of client tool calls only, without asking Kiro again', async () => {
    const { turn, asked } = turnOver([]);

    const out = await events(turn, of(call('tooluse_a', 'Read', { path: 'a' }, 0), end('tool_calls')));

    expect(out.filter((e) => e.type === 'toolCall')).toEqual([expect.objectContaining({ id: 'tooluse_a', index: 0 })]);
    expect(asked).toHaveLength(0);
  });

  it('passes the client\'s tool calls of a later round on, and ends for them once that round\'s searches ran', async () => {
    const { turn } = turnOver([of(call('tooluse_b', 'Bash', { command: 'ls' }, 0), search('tooluse_s2', 'q2'), end('tool_calls'))]);

    const mixed = await events(turn, of(search('tooluse_s1', 'q1'), end('tool_calls')));
    expect(mixed.filter((e) => e.type === 'toolCall')).toEqual([expect.objectContaining({ id: 'tooluse_b', index: 0 })]);
    expect(mixed.filter((e) => e.type === 'webSearch').map((e) => (e as { id: string }).id)).toEqual(['tooluse_s1', 'tooluse_s2']);
    expect(mixed.at(-1)).toMatchObject({ finishReason: 'tool_calls', usage: { webSearchRequests: 2 } });
  });

  it('searches the lead query once, before the first call, and puts it in as the model\'s first call and its answer', async () => {
    const { turn, searched, sessions } = turnOver([], { request: { toolName: 'web_search', leadQuery: 'lead q' } });

    const sent = await turn.prepare(session, conversation(), signal);
    await turn.prepare(session, conversation(), signal);
    const out = await events(turn, of(text('Found.'), end()), sent);

    expect(searched).toEqual(['lead q']);
    expect(sessions).toEqual([session]);
    expect(sent.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(out.map((e) => e.type)).toEqual(['webSearch', 'webSearchResult', 'text', 'end']);
    expect(out[0]).toEqual({ type: 'webSearch', id: (sent.messages[1] as { toolCalls: Array<{ id: string }> }).toolCalls[0].id, query: 'lead q' });
  });

  it('keeps only hits on the allowed domains', async () => {
    const { turn } = turnOver([], {
      request: { toolName: 'web_search', allowedDomains: ['kiro.dev'] },
      search: async (query) => ({ query, hits: [{ title: 'a', url: 'https://docs.kiro.dev/x', snippet: '' }, { title: 'b', url: 'https://evil.example/', snippet: '' }] }),
    });
    const out = await events(turn, of(search('tooluse_1', 'q'), end('tool_calls')));

    expect(out.find((e) => e.type === 'webSearchResult')).toMatchObject({ hits: [{ url: 'https://docs.kiro.dev/x' }] });
  });

  it('fails the response with the search\'s error (a 429 stays a 429)', async () => {
    const throttled = Object.assign(new Error('throttled'), { status: 429 });
    const { turn } = turnOver([], { search: async () => Promise.reject(throttled) });

    await expect(events(turn, of(search('tooluse_1', 'q'), end('tool_calls')))).rejects.toBe(throttled);
  });

  it('completes when a round ends without an end event', async () => {
    const { turn } = turnOver([]);
    expect(await events(turn, of(text('cut')))).toEqual([text('cut')]);
  });

  it('stops a search under way when the subscriber leaves', async () => {
    let aborted = false;
    const { turn } = turnOver([], {
      search: (_q, searchSignal) =>
        new Promise(() => {
          searchSignal.addEventListener('abort', () => (aborted = true));
        }),
    });
    const subscription = turn.events({ events$: of(search('tooluse_1', 'q'), end('tool_calls')) }, conversation(), signal).subscribe();
    await new Promise((resolve) => setImmediate(resolve));
    subscription.unsubscribe();

    expect(aborted).toBe(true);
  });

  it('runs a search asked for mid-turn on no account of its own: the pool picks one, and fails over', async () => {
    const { turn, sessions } = turnOver([]);
    await events(turn, of(search('tooluse_1', 'q'), end('tool_calls')));

    expect(sessions).toEqual([undefined]);
  });

  describe('a forced tool choice', () => {
    const forced = (toolChoice: Conversation['toolChoice']): Conversation => ({ ...conversation(), toolChoice });

    it.each([{ type: 'required' as const }, { type: 'tool' as const, name: 'web_search' }])('is auto once a search met %j, so the model can answer', async (toolChoice) => {
      const { turn, asked } = turnOver([of(search('tooluse_2', 'again'), end('tool_calls')), of(text('Answer.'), end())]);

      await events(turn, of(search('tooluse_1', 'q'), end('tool_calls')), forced(toolChoice));

      expect(asked.map((next) => next.toolChoice)).toEqual([{ type: 'auto' }, { type: 'auto' }]);
    });

    it('is auto in the first call after the lead search', async () => {
      const { turn } = turnOver([], { request: { toolName: 'web_search', leadQuery: 'lead q' } });

      const sent = await turn.prepare(session, forced({ type: 'tool', name: 'web_search' }), signal);

      expect(sent.toolChoice).toEqual({ type: 'auto' });
    });

    it('stays on a client tool a search did not call', async () => {
      const { turn, asked } = turnOver([]);

      await events(turn, of(search('tooluse_1', 'q'), end('tool_calls')), forced({ type: 'tool', name: 'get_weather' }));

      expect(asked[0].toolChoice).toEqual({ type: 'tool', name: 'get_weather' });
    });
  });

  it("hands the next round the round's first signed thought with its own text, whatever came after", async () => {
    const { turn, asked } = turnOver([]);
    const thoughts: AssistantEvent[] = [
      { type: 'reasoning', text: 'First ' },
      { type: 'reasoning', text: 'thought.' },
      { type: 'reasoningSignature', signature: 'sig-1' },
      { type: 'reasoning', text: 'Second thought.' },
      { type: 'reasoningSignature', signature: 'sig-2' },
    ];

    await events(turn, of(...thoughts, search('tooluse_1', 'q'), end('tool_calls')));

    expect(asked[0].messages[1]).toMatchObject({ role: 'assistant', signedReasoning: { text: 'First thought.', signature: 'sig-1' } });
  });

  it('pairs a signature with the thought just before it, not with reasoning closed by text', async () => {
    const { turn, asked } = turnOver([]);
    const said: AssistantEvent[] = [{ type: 'reasoning', text: 'Unsigned.' }, text('Hm. '), { type: 'reasoning', text: 'Signed.' }, { type: 'reasoningSignature', signature: 'sig' }];

    await events(turn, of(...said, search('tooluse_1', 'q'), end('tool_calls')));

    expect(asked[0].messages[1]).toMatchObject({ text: 'Hm. ', signedReasoning: { text: 'Signed.', signature: 'sig' } });
  });
});
