import { Observable, type Subscription } from 'rxjs';
import type { AssistantEvent, Conversation, ToolCallEvent, UsageCounts, WebSearchRequest } from '../../converter';
import { assistantMessage, type AssistantMessage, type ToolResult, userMessage } from '../../converter/conversation';
import type { KiroSession, WebSearchOutcome } from '../../kiro';
import { domainAllowed, MAX_USES_TEXT, searchResultsText } from './search-results-text';

/** Searches in one response, whatever the client's `max_uses` says: each costs credits and a round trip. */
export const MAX_SEARCHES_PER_RESPONSE = 20;
const INVALID_QUERY_TEXT = 'The web search was called without a query: call it with {"query": "…"}.';

/** One Kiro call of the turn: its assistant events. */
export interface SearchRound {
  events$: Observable<AssistantEvent>;
}

export interface WebSearchTurnOptions {
  request: WebSearchRequest;
  /** WEB_SEARCH_MAX_ROUNDS: continuations with search results before the turn ends. */
  maxRounds: number;
  /**
   * One search (kiro/web-search/): on `session` when given (the lead query, inside the first
   * call's failover), otherwise on an account of the pool, failing over as a call does
   * (account-health.ts). Its failures end the response (a 429 stays a 429).
   */
  search(query: string, signal: AbortSignal, session?: KiroSession): Promise<WebSearchOutcome>;
  /** The next Kiro call, with the search results in the conversation. */
  nextRound(conversation: Conversation): Promise<SearchRound>;
  /** One line for the log, when the turn ends with searches it did not run. */
  note?(message: string): void;
}

/**
 * A response in which the gateway runs the client's web search tool (kiro-protocol.md §9.7):
 * the model calls the tool as a function; the gateway holds that call back, searches, passes the
 * search and its hits on as `webSearch` / `webSearchResult` events, and asks Kiro again with the
 * results as the tool's answer, until the model answers without searching. Bounded: at most
 * `maxRounds` continuations and `min(max_uses, MAX_SEARCHES_PER_RESPONSE)` searches. A lead query
 * (Claude Code's side query) is searched before the first call.
 *
 * Calls of the client's own tools pass through, renumbered across rounds; a round that has both
 * ends the turn once its searches ran, so the client runs its tools (the searches are in the
 * history it sends back).
 */
export class WebSearchTurn {
  private searches = 0;
  private lead: { id: string; outcome: WebSearchOutcome } | undefined;
  private readonly maxUses: number;

  constructor(private readonly options: WebSearchTurnOptions) {
    this.maxUses = Math.min(options.request.maxUses ?? MAX_SEARCHES_PER_RESPONSE, MAX_SEARCHES_PER_RESPONSE);
  }

  /**
   * The first call's conversation, on the account about to serve it: the lead query, if there is
   * one, searched (once, even when the call fails over) and put in as the model's first tool call
   * and its answer.
   */
  async prepare(session: KiroSession, conversation: Conversation, signal: AbortSignal): Promise<Conversation> {
    const query = this.options.request.leadQuery;
    if (query !== undefined && !this.lead) {
      const outcome = await this.searchOn(query, signal, session);
      this.lead = { id: `tooluse_lead${Date.now().toString(36)}`, outcome };
    }
    return this.withLead(conversation);
  }

  private withLead(conversation: Conversation): Conversation {
    if (!this.lead) return conversation;
    const { id, outcome } = this.lead;
    const call = { id, name: this.options.request.toolName, input: { query: outcome.query } };
    return this.continued(conversation, assistantMessage('', [call]), [{ toolCallId: id, text: searchResultsText(outcome.query, outcome.hits), isError: false }]);
  }

  /** The whole response: the lead search, then the first round's events, then every round the searches need. */
  events(first: SearchRound, conversation: Conversation, signal: AbortSignal): Observable<AssistantEvent> {
    return new Observable<AssistantEvent>((subscriber) => {
      let inner: Subscription | undefined;
      let stopped = false;
      const searchAbort = new AbortController();
      const onClientGone = () => searchAbort.abort();
      signal.addEventListener('abort', onClientGone, { once: true });
      const total: UsageCounts = { inputTokens: 0, outputTokens: 0 };
      let clientCallsPassed = 0;

      if (this.lead) {
        const { id, outcome } = this.lead;
        subscriber.next({ type: 'webSearch', id, query: outcome.query });
        subscriber.next({ type: 'webSearchResult', id, query: outcome.query, hits: outcome.hits });
      }

      const play = (round: SearchRound, sent: Conversation, roundNumber: number) => {
        const asked: ToolCallEvent[] = [];
        const said = new RoundRecorder();
        let clientCalls = 0;
        let ended = false;
        inner = round.events$.subscribe({
          next: (event) => {
            if (event.type === 'toolCall' && event.name === this.options.request.toolName) {
              asked.push(event);
              return;
            }
            if (event.type === 'end') {
              ended = true;
              addUsage(total, event.usage);
              const finish = (finishReason = event.finishReason) => {
                subscriber.next({ ...event, finishReason, usage: { ...total, webSearchRequests: this.searches } });
                subscriber.complete();
              };
              if (asked.length === 0) return finish();
              if (roundNumber > this.options.maxRounds) {
                this.options.note?.(`The model asked for ${asked.length} more web search(es) after WEB_SEARCH_MAX_ROUNDS (${this.options.maxRounds}) rounds; the turn ends here`);
                return finish(clientCalls > 0 ? 'tool_calls' : 'stop');
              }
              this.answer(asked, searchAbort.signal, (e) => subscriber.next(e))
                .then(async (results) => {
                  if (stopped) return;
                  if (clientCalls > 0) return finish('tool_calls');
                  const continued = this.continued(sent, said.message(asked), results);
                  const next = await this.options.nextRound(continued);
                  if (stopped) return void next.events$.subscribe({ error: () => undefined }).unsubscribe();
                  play(next, continued, roundNumber + 1);
                })
                .catch((err: unknown) => {
                  if (!stopped) subscriber.error(err);
                });
              return;
            }
            said.note(event);
            if (event.type === 'toolCall') {
              clientCalls++;
              subscriber.next({ ...event, index: clientCallsPassed++ });
              return;
            }
            subscriber.next(event);
          },
          error: (err: unknown) => subscriber.error(err),
          // A round ends with its `end` event, which takes it from there; without one, so does the response.
          complete: () => {
            if (!ended) subscriber.complete();
          },
        });
      };
      play(first, conversation, 1);

      return () => {
        stopped = true;
        signal.removeEventListener('abort', onClientGone);
        searchAbort.abort();
        inner?.unsubscribe();
      };
    });
  }

  /** Runs the searches the model asked for, in order, passing each on; the tool results for the next round. */
  private async answer(asked: ToolCallEvent[], signal: AbortSignal, emit: (event: AssistantEvent) => void): Promise<ToolResult[]> {
    const results: ToolResult[] = [];
    for (const call of asked) {
      const query = typeof call.input.query === 'string' ? call.input.query.trim() : '';
      emit({ type: 'webSearch', id: call.id, query });
      if (!query || this.searches >= this.maxUses) {
        const refusal = query ? 'max_uses_exceeded' : 'invalid_tool_input';
        emit({ type: 'webSearchResult', id: call.id, query, hits: [], refusal });
        results.push({ toolCallId: call.id, text: query ? MAX_USES_TEXT : INVALID_QUERY_TEXT, isError: true });
        continue;
      }
      const outcome = await this.searchOn(query, signal);
      emit({ type: 'webSearchResult', id: call.id, query: outcome.query, hits: outcome.hits });
      results.push({ toolCallId: call.id, text: searchResultsText(outcome.query, outcome.hits), isError: false });
    }
    return results;
  }

  private async searchOn(query: string, signal: AbortSignal, session?: KiroSession): Promise<WebSearchOutcome> {
    this.searches++;
    const outcome = await this.options.search(query, signal, session);
    const { allowedDomains, blockedDomains } = this.options.request;
    if (!allowedDomains?.length && !blockedDomains?.length) return outcome;
    return { query: outcome.query, hits: outcome.hits.filter((hit) => domainAllowed(hit.url, allowedDomains, blockedDomains)) };
  }

  /**
   * The conversation with a round of searches and their results. A tool choice the search met
   * (`required`, or the search tool by name) is `auto` from here: kept, it would tell the model to
   * search again every round until the rounds ran out, and the turn would end without an answer.
   */
  private continued(conversation: Conversation, assistant: AssistantMessage, results: ToolResult[]): Conversation {
    const choice = conversation.toolChoice;
    const met = choice.type === 'required' || (choice.type === 'tool' && choice.name === this.options.request.toolName);
    return { ...conversation, toolChoice: met ? { type: 'auto' } : choice, messages: [...conversation.messages, assistant, userMessage('', { toolResults: results })] };
  }
}

/**
 * What the model said in one round, for the assistant turn of the next round's history. Kiro
 * takes one reasoning block per turn: the round's first signed thought, with its own text only
 * (the signature covers that text; another thought's text beside it is THINKING_SIGNATURE_INVALID),
 * as the Anthropic converter keeps the first signed thinking block.
 */
class RoundRecorder {
  private text = '';
  /** The thought under way: a signature closes it, and so does anything else said (as the renderers close the block). */
  private thought = '';
  private signed: AssistantMessage['signedReasoning'];
  private readonly calls: ToolCallEvent[] = [];

  note(event: AssistantEvent): void {
    if (event.type === 'reasoning') return void (this.thought += event.text);
    const thought = this.thought;
    this.thought = '';
    if (event.type === 'text') this.text += event.text;
    else if (event.type === 'reasoningSignature') this.signed ??= { text: thought, signature: event.signature };
    else if (event.type === 'redactedReasoning') this.signed ??= { redacted: event.data };
    else if (event.type === 'toolCall') this.calls.push(event);
  }

  message(searches: ToolCallEvent[]): AssistantMessage {
    const calls = [...this.calls, ...searches].map((call) => ({ id: call.id, name: call.name, input: call.input }));
    const message = assistantMessage(this.text, calls);
    if (this.signed) message.signedReasoning = this.signed;
    return message;
  }
}

function addUsage(total: UsageCounts, usage: UsageCounts): void {
  total.inputTokens += usage.inputTokens;
  total.outputTokens += usage.outputTokens;
  if (usage.credits !== undefined) total.credits = (total.credits ?? 0) + usage.credits;
  if (usage.cacheReadInputTokens !== undefined) total.cacheReadInputTokens = (total.cacheReadInputTokens ?? 0) + usage.cacheReadInputTokens;
  if (usage.cacheWriteInputTokens !== undefined) total.cacheWriteInputTokens = (total.cacheWriteInputTokens ?? 0) + usage.cacheWriteInputTokens;
}
