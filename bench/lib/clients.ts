import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { FrameDecoder, toKiroEvent } from '../../src/kiro/event-stream';
import { DEFAULT_SIM_REFRESH_TOKEN } from '../../test/simulator';
import { PROXY_KEY } from './processes';

/**
 * The two clients under comparison, both on undici with keep-alive pools:
 *  - direct:  POST /generateAssistantResponse to the simulator, decoding Kiro's binary frames
 *             with the gateway's own FrameDecoder + toKiroEvent;
 *  - gateway: POST /v1/chat/completions with stream:true, parsing OpenAI SSE.
 * Each returns the time to the first text delta, the total time and the text received, which
 * the caller checks against the scripted reply.
 */

export const MODEL = 'claude-sonnet-4.5';
const PROMPT = 'Say something.';
const REQUEST_TIMEOUT_MS = 30_000;

export interface StreamResult {
  ttftMs: number;
  totalMs: number;
  text: string;
}

/**
 * Unlimited connections per origin, so concurrency is what the caller asks for. Idle sockets are
 * dropped 3 s before the servers' 5 s keep-alive timeout: on this loaded machine timers fire late,
 * and a socket the server closes just as it is reused fails the request (it is a POST).
 */
export function newAgent(ca?: string): Agent {
  return new Agent({ keepAliveTimeout: 2_000, keepAliveTimeoutThreshold: 3_000, connections: null, pipelining: 1, ...(ca ? { connect: { ca } } : {}) });
}

/** `simUrl`: where the simulator's token endpoint is (its `authUrl`). */
export async function fetchAccessToken(simUrl: string): Promise<string> {
  const res = await request(`${simUrl}/refreshToken`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ refreshToken: DEFAULT_SIM_REFRESH_TOKEN }),
  });
  const body = (await res.body.json()) as { accessToken?: string };
  if (res.statusCode !== 200 || !body.accessToken) throw new Error(`simulator /refreshToken answered ${res.statusCode}`);
  return body.accessToken;
}

/** A minimal valid generateAssistantResponse body, with a fresh conversationId like a real client. */
export function kiroBody(conversationId = randomUUID()): string {
  return JSON.stringify({
    conversationState: {
      chatTriggerType: 'MANUAL',
      conversationId,
      currentMessage: { userInputMessage: { content: PROMPT, modelId: MODEL, origin: 'AI_EDITOR' } },
    },
  });
}

export function kiroHeaders(accessToken: string): Record<string, string> {
  return {
    authorization: `Bearer ${accessToken}`,
    'content-type': 'application/json',
    accept: 'application/vnd.amazon.eventstream, application/json',
  };
}

export function chatBody(stream: boolean): string {
  return JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: PROMPT }], stream });
}

export function gatewayHeaders(): Record<string, string> {
  return { authorization: `Bearer ${PROXY_KEY}`, 'content-type': 'application/json' };
}

export class DirectClient {
  constructor(
    private readonly simUrl: string,
    private readonly accessToken: string,
    private readonly agent: Agent,
  ) {}

  /** `body`: a prepared generateAssistantResponse body (default: a minimal one). */
  async stream(body: string = kiroBody()): Promise<StreamResult> {
    const started = performance.now();
    const res = await request(`${this.simUrl}/generateAssistantResponse`, {
      dispatcher: this.agent,
      method: 'POST',
      headers: kiroHeaders(this.accessToken),
      body,
      headersTimeout: REQUEST_TIMEOUT_MS,
      bodyTimeout: REQUEST_TIMEOUT_MS,
    });
    if (res.statusCode !== 200) throw new Error(`direct: HTTP ${res.statusCode}: ${(await res.body.text()).slice(0, 300)}`);
    const decoder = new FrameDecoder();
    const parts: string[] = [];
    let ttftMs = -1;
    for await (const chunk of res.body) {
      for (const frame of decoder.push(chunk as Uint8Array)) {
        const event = toKiroEvent(frame);
        if (event.kind === 'text') {
          if (ttftMs < 0) ttftMs = performance.now() - started;
          parts.push(event.text);
        } else if (event.kind === 'exception') {
          throw new Error(`direct: ${event.exceptionType}: ${event.message}`);
        }
      }
    }
    decoder.finish();
    return { ttftMs, totalMs: performance.now() - started, text: parts.join('') };
  }
}

/** POSTs a prepared body and reads the whole answer; for the Anthropic and count_tokens paths. */
export async function postTimed(agent: Agent, url: string, headers: Record<string, string>, body: string): Promise<{ ms: number; status: number; text: string }> {
  const started = performance.now();
  const res = await request(url, { dispatcher: agent, method: 'POST', headers, body, headersTimeout: REQUEST_TIMEOUT_MS, bodyTimeout: REQUEST_TIMEOUT_MS });
  const text = await res.body.text();
  return { ms: performance.now() - started, status: res.statusCode, text };
}

export function anthropicHeaders(): Record<string, string> {
  return { 'x-api-key': PROXY_KEY, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' };
}

/** A minimal streaming Messages body, the baseline the agent turn is compared with. */
export function smallMessagesBody(): string {
  return JSON.stringify({ model: MODEL, max_tokens: 1024, stream: true, messages: [{ role: 'user', content: PROMPT }] });
}

/** The SSE blocks of a response body, each as soon as its blank line arrives. */
async function* sseBlocks(body: AsyncIterable<unknown>): AsyncGenerator<string> {
  const utf8 = new TextDecoder();
  let buffer = '';
  for await (const chunk of body) {
    buffer += utf8.decode(chunk as Uint8Array, { stream: true });
    let start = 0;
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n', start)) {
      yield buffer.slice(start, end);
      start = end + 2;
    }
    if (start > 0) buffer = buffer.slice(start);
  }
}

/** Streams POST /v1/messages (Anthropic SSE): time to the first text delta, and the text. */
export async function anthropicStream(agent: Agent, gatewayUrl: string, body: string): Promise<StreamResult> {
  const started = performance.now();
  const res = await request(`${gatewayUrl}/v1/messages`, { dispatcher: agent, method: 'POST', headers: anthropicHeaders(), body, headersTimeout: REQUEST_TIMEOUT_MS, bodyTimeout: REQUEST_TIMEOUT_MS });
  if (res.statusCode !== 200) throw new Error(`gateway /v1/messages: HTTP ${res.statusCode}: ${(await res.body.text()).slice(0, 300)}`);
  const parts: string[] = [];
  let ttftMs = -1;
  for await (const block of sseBlocks(res.body)) {
    const data = block.split('\n').find((line) => line.startsWith('data: '));
    if (!data) continue;
    const event = JSON.parse(data.slice(6)) as { type: string; delta?: { type?: string; text?: string }; error?: { message?: string } };
    if (event.type === 'error') throw new Error(`gateway /v1/messages: stream error: ${event.error?.message}`);
    if (event.type === 'content_block_delta' && event.delta?.type === 'text_delta' && event.delta.text) {
      if (ttftMs < 0) ttftMs = performance.now() - started;
      parts.push(event.delta.text);
    }
  }
  return { ttftMs, totalMs: performance.now() - started, text: parts.join('') };
}

export class GatewayClient {
  constructor(
    private readonly gatewayUrl: string,
    private readonly agent: Agent,
  ) {}

  async stream(): Promise<StreamResult> {
    const started = performance.now();
    const res = await request(`${this.gatewayUrl}/v1/chat/completions`, {
      dispatcher: this.agent,
      method: 'POST',
      headers: gatewayHeaders(),
      body: chatBody(true),
      headersTimeout: REQUEST_TIMEOUT_MS,
      bodyTimeout: REQUEST_TIMEOUT_MS,
    });
    if (res.statusCode !== 200) throw new Error(`gateway: HTTP ${res.statusCode}: ${(await res.body.text()).slice(0, 300)}`);
    const parts: string[] = [];
    let ttftMs = -1;
    let done = false;
    for await (const block of sseBlocks(res.body)) {
      if (!block.startsWith('data: ')) continue;
      const data = block.slice(6);
      if (data === '[DONE]') {
        done = true;
        continue;
      }
      const parsed = JSON.parse(data) as { choices?: Array<{ delta?: { content?: string } }>; error?: { message?: string } };
      if (parsed.error) throw new Error(`gateway: stream error: ${parsed.error.message}`);
      const content = parsed.choices?.[0]?.delta?.content;
      if (content) {
        if (ttftMs < 0) ttftMs = performance.now() - started;
        parts.push(content);
      }
    }
    if (!done) throw new Error('gateway: stream ended without data: [DONE]');
    return { ttftMs, totalMs: performance.now() - started, text: parts.join('') };
  }

  async complete(): Promise<string> {
    const res = await request(`${this.gatewayUrl}/v1/chat/completions`, {
      dispatcher: this.agent,
      method: 'POST',
      headers: gatewayHeaders(),
      body: chatBody(false),
      headersTimeout: REQUEST_TIMEOUT_MS,
      bodyTimeout: REQUEST_TIMEOUT_MS,
    });
    const text = await res.body.text();
    if (res.statusCode !== 200) throw new Error(`gateway non-stream: HTTP ${res.statusCode}: ${text.slice(0, 300)}`);
    const parsed = JSON.parse(text) as { choices?: Array<{ message?: { content?: string } }> };
    return parsed.choices?.[0]?.message?.content ?? '';
  }
}
