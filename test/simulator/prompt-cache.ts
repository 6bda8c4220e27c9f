import { createHash } from 'node:crypto';
import type { SimEvent, StreamScenario } from './scenarios';

/**
 * Kiro's prompt cache as the simulator models it (kiro-protocol.md §9.6): per account and
 * `conversationId`, a prefix of the prompt (the tools, then each turn in order) written at the
 * request's `cachePoint`s is read back by a later request whose prompt starts with the same bytes.
 * Reads are billed at half the input price, writes at 1.25 (Bedrock's rates; K2CC measured ~50 %).
 *
 * Only requests with at least one checkpoint are priced here: they get a `metadataEvent` with
 * the token usage and a meteringEvent from it. Other answers keep their scripted usage events, so
 * the simulator's other behaviour is unchanged (a simplification: Kiro may cache those too).
 */

interface Segment {
  /** Bytes of this part of the prompt, cache marks removed. */
  text: string;
  /** A checkpoint follows this part. */
  checkpoint: boolean;
}

/** Tokens of a text as the simulator counts them (about four characters each). */
const tokensOf = (text: string): number => Math.ceil(text.length / 4);

/** Credits per token at rate multiplier 1: 10,000 input tokens cost one credit. */
const CREDITS_PER_TOKEN = 1 / 10_000;
const OUTPUT_PRICE = 5;
const READ_PRICE = 0.5;
const WRITE_PRICE = 1.25;
/** Prefixes remembered, across accounts and conversations (oldest forgotten first). */
const MAX_ENTRIES = 10_000;

export interface CachePricing {
  minimumTokensPerCheckpoint: number;
  rateMultiplier: number;
}

export class SimPromptCache {
  /** `account \0 conversationId \0 prefix hash` → the prefix's tokens. */
  private readonly prefixes = new Map<string, number>();

  clear(): void {
    this.prefixes.clear();
  }

  /**
   * The answer with its usage as Kiro's cache priced it, and the prefixes it wrote remembered;
   * the answer unchanged when the request carries no checkpoint.
   */
  price(body: unknown, account: string, pricing: CachePricing, scenario: StreamScenario): StreamScenario {
    const state = (body as { conversationState: { conversationId: string } }).conversationState;
    const segments = segmentsOf(body);
    if (!segments.some((segment) => segment.checkpoint)) return scenario;
    const scope = `${account}\u0000${state.conversationId}\u0000`;
    let hash = '';
    let total = 0;
    let read = 0;
    let written = 0;
    const toWrite: Array<[string, number]> = [];
    for (const segment of segments) {
      hash = createHash('sha256').update(hash).update(segment.text).digest('hex');
      total += tokensOf(segment.text);
      if (this.prefixes.has(scope + hash)) read = total;
      if (segment.checkpoint && total >= pricing.minimumTokensPerCheckpoint) toWrite.push([scope + hash, total]);
    }
    for (const [key, tokens] of toWrite) {
      if (tokens > read) written = Math.max(written, tokens - read);
      this.remember(key, tokens);
    }
    const uncached = total - read - written;
    const output = outputTokensOf(scenario.events);
    const credits = round(pricing.rateMultiplier * CREDITS_PER_TOKEN * (uncached + WRITE_PRICE * written + READ_PRICE * read + OUTPUT_PRICE * output));
    const usage: SimEvent = {
      type: 'metadata',
      stopReason: 'END_TURN',
      tokenUsage: { uncachedInputTokens: uncached, cacheReadInputTokens: read, cacheWriteInputTokens: written, outputTokens: output, totalTokens: total + output },
    };
    const events = scenario.events.filter((event) => event.type !== 'metering' && event.type !== 'metadata');
    return { ...scenario, events: [...events, usage, { type: 'metering', usage: credits }] };
  }

  private remember(key: string, tokens: number): void {
    this.prefixes.delete(key);
    this.prefixes.set(key, tokens);
    if (this.prefixes.size > MAX_ENTRIES) this.prefixes.delete(this.prefixes.keys().next().value as string);
  }
}

/** The prompt in Kiro's order: the tools, each history turn, the current message; each with its checkpoint. */
function segmentsOf(body: unknown): Segment[] {
  type Message = Record<string, unknown> & { cachePoint?: unknown; userInputMessageContext?: Record<string, unknown> & { tools?: Array<Record<string, unknown>> } };
  const state = (body as { conversationState: { history?: Array<{ userInputMessage?: Message; assistantResponseMessage?: Message }>; currentMessage: { userInputMessage: Message } } }).conversationState;
  const current = state.currentMessage.userInputMessage;
  const tools = current.userInputMessageContext?.tools ?? [];
  const segments: Segment[] = [
    { text: JSON.stringify(tools.filter((tool) => tool.cachePoint === undefined)), checkpoint: tools.some((tool) => tool.cachePoint !== undefined) },
  ];
  const turn = (message: Message): Segment => {
    const { cachePoint, ...rest } = message;
    // The current message carries the tools, which are their own part: without them it reads as
    // the same turn will in the next request's history.
    const context = rest.userInputMessageContext;
    if (context?.tools) {
      const { tools: _tools, ...others } = context;
      if (Object.keys(others).length > 0) rest.userInputMessageContext = others;
      else delete rest.userInputMessageContext;
    }
    return { text: JSON.stringify(rest), checkpoint: cachePoint !== undefined };
  };
  for (const entry of state.history ?? []) segments.push(turn((entry.userInputMessage ?? entry.assistantResponseMessage)!));
  segments.push(turn(current));
  return segments;
}

function outputTokensOf(events: readonly SimEvent[]): number {
  let chars = 0;
  for (const event of events) {
    if (event.type === 'text') chars += event.content.length;
    else if (event.type === 'toolUse' && typeof event.input === 'string') chars += event.input.length;
    else if (event.type === 'reasoning') chars += event.text?.length ?? 0;
  }
  return Math.max(1, Math.ceil(chars / 4));
}

const round = (credits: number): number => Math.round(credits * 1e6) / 1e6;
