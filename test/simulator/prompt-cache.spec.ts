import { SimPromptCache } from './prompt-cache';
import type { StreamScenario } from './scenarios';

const PRICING = { minimumTokensPerCheckpoint: 1024, rateMultiplier: 1 };
const ANSWER: StreamScenario = { kind: 'stream', events: [{ type: 'text', content: 'Fine.' }, { type: 'metering', usage: 0.01 }] };
const SYSTEM = 'S'.repeat(8_000);

/** A Kiro body: the system turn (checkpointed), `turns` more user/assistant pairs, and the current message. */
function body(conversationId: string, turns: string[], checkpoint = true) {
  const user = (content: string, cache = false) => ({ content, modelId: 'claude-sonnet-4.6', origin: 'AI_EDITOR', ...(cache ? { cachePoint: { type: 'default' } } : {}) });
  const history = [{ userInputMessage: user(SYSTEM, checkpoint) }, { assistantResponseMessage: { content: 'OK.' } }];
  for (const turn of turns.slice(0, -1)) history.push({ userInputMessage: user(turn) }, { assistantResponseMessage: { content: 'OK.' } });
  return { conversationState: { conversationId, history, currentMessage: { userInputMessage: user(turns.at(-1)!, checkpoint) } } };
}

function usageOf(scenario: StreamScenario) {
  const metadata = scenario.events.find((event) => event.type === 'metadata');
  const metering = scenario.events.filter((event) => event.type === 'metering');
  return { tokenUsage: metadata?.type === 'metadata' ? metadata.tokenUsage : undefined, credits: metering.map((event) => (event.type === 'metering' ? event.usage : 0)) };
}

describe(SimPromptCache.name, () => {
  it('writes the prefix on the first turn and reads it back on the next, at half price', () => {
    const cache = new SimPromptCache();

    const first = usageOf(cache.price(body('c1', ['one']), 'acct', PRICING, ANSWER));
    const second = usageOf(cache.price(body('c1', ['one', 'two']), 'acct', PRICING, ANSWER));

    expect(first.tokenUsage).toMatchObject({ cacheReadInputTokens: 0, cacheWriteInputTokens: expect.any(Number) });
    expect(second.tokenUsage?.cacheReadInputTokens).toBe(first.tokenUsage!.cacheWriteInputTokens);
    expect(second.credits).toHaveLength(1);
    expect(second.credits[0]).toBeLessThan(first.credits[0]);
  });

  it('keeps each account and conversation apart', () => {
    const cache = new SimPromptCache();
    cache.price(body('c1', ['one']), 'acct', PRICING, ANSWER);

    expect(usageOf(cache.price(body('c1', ['one', 'two']), 'other', PRICING, ANSWER)).tokenUsage?.cacheReadInputTokens).toBe(0);
    expect(usageOf(cache.price(body('c2', ['one', 'two']), 'acct', PRICING, ANSWER)).tokenUsage?.cacheReadInputTokens).toBe(0);
  });

  it('leaves an answer to a request without checkpoints as it was scripted', () => {
    expect(new SimPromptCache().price(body('c1', ['one'], false), 'acct', PRICING, ANSWER)).toBe(ANSWER);
  });

  it('writes nothing below the minimum tokens per checkpoint', () => {
    const first = usageOf(new SimPromptCache().price(body('c1', ['one']), 'acct', { ...PRICING, minimumTokensPerCheckpoint: 1_000_000 }, ANSWER));

    expect(first.tokenUsage).toMatchObject({ cacheReadInputTokens: 0, cacheWriteInputTokens: 0 });
  });
});
