import type { RequestContext } from '../common/request-context';
import type { Conversation, Renderer } from '../converter';
import type { SseFormat } from './sse-writer';

/** What every generation request names, whatever its family. */
export interface GenerationRequest {
  model: string;
  stream?: boolean | null;
}

/** A family's reading of one request: the conversation for Kiro, plus what its renderer needs. */
export interface FamilyConversion {
  conversation: Conversation;
}

/** What the pipeline knows once Kiro is answering, for the renderer. */
export interface ReplyMeta {
  /** The local count of the prompt (lazy), for families that report usage before Kiro does. */
  promptTokens: () => number;
  /** Kiro was asked to cache the prompt: only its final usage can say how much of it was uncached. */
  promptCached: boolean;
}

/**
 * One API family (OpenAI chat, Anthropic Messages, Responses): all that differs between them.
 * The generation pipeline does the rest, the same for all.
 */
export interface ApiFamily<Req extends GenerationRequest, C extends FamilyConversion, Out, Result> {
  /** The request → the gateway's conversation (a 400 naming the field for what cannot be read). */
  toConversation(request: Req, context: RequestContext): C | Promise<C>;
  /** The renderer of one reply: stream events, or the whole reply as `result()`. */
  renderer(conversion: C, meta: ReplyMeta): Renderer<Out, Result>;
  /** How its events are written as server-sent events (a fresh one per stream). */
  sseFormat(): SseFormat<Out>;
  /** Runs before the final event (or the JSON reply) goes out: Responses stores the response. */
  settle?(conversion: C, result: Result): Promise<void>;
}
