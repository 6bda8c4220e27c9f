import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock, systemClock } from '../../common/clock';
import { ClientAbortedError, GatewayError, UpstreamAuthError, UpstreamError, UpstreamThrottledError, UpstreamTimeoutError } from '../../common/errors';
import { logLine, type RequestTrace } from '../../common/request-context';
import { gatewayConfig, type GatewayConfig } from '../../config/gateway.config';
import { SessionToken } from '../kiro-client.service';
import { KiroTokenRejectedError, mapKiroHttpError, mapNetworkError } from '../kiro-errors';
import { kiroHeaders } from '../kiro-headers';
import { retryDelayMs } from '../retry-backoff';
import type { KiroSession } from '../kiro-session';
import { KiroTransport } from '../kiro-transport';
import { mcpSearchBody, parseMcpSearchAnswer, searchQuery, type WebSearchOutcome } from './mcp-search';

/** An MCP answer is a few kilobytes of hits; more is not read. */
const MAX_ANSWER_BYTES = 1024 * 1024;

/** Kiro's web search is not available to this account (no profile, or a plan without it). */
export class WebSearchUnavailableError extends UpstreamAuthError {
  constructor(message: string) {
    super(message, 'permission', 'web_search_unavailable');
  }
}

/** Kiro throttles this account's web searches: a 429 for the client, not a verdict on the account's chats. */
export class WebSearchThrottledError extends UpstreamThrottledError {}

/**
 * One web search through Kiro's MCP endpoint (kiro-protocol.md §9.7) on the account that serves
 * the response: `POST {apiHost}/mcp` with the IDE headers, `x-amzn-kiro-profile-arn` and the
 * profile ARN at the body's root. A rejected token is refreshed once; throttling and Kiro's
 * transient failures are asked again up to MAX_RETRIES times, backing off as chats do, within
 * WEB_SEARCH_TIMEOUT for the whole search; what outlasts that reaches the client (a 429 for
 * throttling).
 */
@Injectable()
export class KiroWebSearch {
  private readonly logger = new Logger('WebSearch');

  constructor(
    @Inject(gatewayConfig.KEY) private readonly config: GatewayConfig,
    @Inject(KiroTransport) private readonly transport: KiroTransport,
    @Inject(Clock) private readonly clock: Clock = systemClock,
  ) {}

  async search(session: KiroSession, rawQuery: string, signal: AbortSignal, trace?: RequestTrace): Promise<WebSearchOutcome> {
    const query = searchQuery(rawQuery);
    // First the token: an account not used yet learns its profile ARN from its first refresh.
    const token = new SessionToken(session, await session.getAccessToken(trace), trace);
    const profileArn = session.profileArn;
    if (!profileArn) {
      throw new WebSearchUnavailableError(
        'Web search needs a Kiro account with a profile (Kiro Pro or a plan that includes web search); the account serving this request has no profile ARN.',
      );
    }
    const timeoutMs = this.config.webSearch.timeoutMs;
    const { maxRetries, baseDelayMs } = this.config.retry;
    const giveUpAt = this.clock.now() + timeoutMs;
    for (let retries = 0; ; ) {
      if (signal.aborted) throw new ClientAbortedError();
      const deadline = AbortSignal.any([signal, AbortSignal.timeout(Math.max(1, giveUpAt - this.clock.now()))]);
      try {
        const response = await this.transport.send({
          method: 'POST',
          url: `${session.upstream?.apiHost ?? this.config.kiro.apiHost}/mcp`,
          headers: {
            ...kiroHeaders({ accessToken: token.value, machineId: session.machineId, attempt: 1, maxAttempts: 1, closeConnection: false, tokenType: session.upstream?.tokenType }),
            accept: 'application/json',
            'x-amzn-kiro-profile-arn': profileArn,
          },
          body: mcpSearchBody(query, profileArn),
          proxy: session.upstream?.proxy,
          trace,
          signal: deadline,
          headersTimeoutMs: timeoutMs,
          bodyTimeoutMs: timeoutMs,
        });
        const text = await response.text(MAX_ANSWER_BYTES);
        if (response.status !== 200) throw this.httpError(response.status, text, response.headers['retry-after'], token.value);
        const hits = parseMcpSearchAnswer(text);
        this.logger.debug(logLine(`Web search found ${hits.length} result(s)`, trace));
        return { query, hits };
      } catch (err) {
        if (signal.aborted) throw new ClientAbortedError();
        const error = err instanceof GatewayError ? err : mapNetworkError(err, false, timeoutMs);
        if (await token.refreshedAfter(error)) continue;
        if (error.kind === 'timeout' || deadline.aborted) throw new UpstreamTimeoutError(`Kiro's web search did not answer within WEB_SEARCH_TIMEOUT (${timeoutMs / 1000} s)`);
        const delayMs = error.retryable && retries < maxRetries ? retryDelayMs(baseDelayMs, retries, error.retryAfterSeconds, giveUpAt - this.clock.now()) : undefined;
        if (delayMs === undefined) throw error;
        retries++;
        this.logger.warn(logLine(`${error.message}; search retry ${retries}/${maxRetries} in ${delayMs} ms`, trace));
        await this.clock.sleep(delayMs, signal).catch(() => undefined);
      }
    }
  }

  private httpError(status: number, text: string, retryAfter: string | undefined, accessToken: string): GatewayError {
    const error = mapKiroHttpError({ status, bodyText: text, retryAfterHeader: retryAfter, knownSecrets: [accessToken] });
    if (error instanceof UpstreamThrottledError) return new WebSearchThrottledError(`Kiro is throttling web searches: ${error.message}`, error.retryAfterSeconds);
    if (error instanceof KiroTokenRejectedError) return error;
    if (status === 403) return new WebSearchUnavailableError(`Kiro refused web search for this account (plans without web search answer so): ${error.message}`);
    return new UpstreamError(`Kiro's web search failed: ${error.message}`, { retryable: error.retryable, code: 'web_search_failed' });
  }
}
