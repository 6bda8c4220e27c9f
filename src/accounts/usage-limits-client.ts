import { mapKiroHttpError, KiroTokenRejectedError } from '../kiro/kiro-errors';
import { kiroHeaders } from '../kiro/kiro-headers';
import type { KiroTransport } from '../kiro/kiro-transport';
import type { AccountSession } from './account-session';
import { type AccountUsage, parseUsageLimits } from './usage-limits';

/**
 * `GET {q}/getUsageLimits?origin=AI_EDITOR&resourceType=AGENTIC_REQUEST` (kiro-protocol.md §4.2,
 * §9.3) for one account, through the account's own route (proxy, API key). A rejected bearer gets
 * one forced refresh, as on the chat call. IdC logins refuse `profileArn` here: only social sends it.
 */
export async function fetchUsageLimits(
  transport: KiroTransport,
  session: AccountSession,
  options: { qHost: string; sendProfileArn: boolean; now: () => number; signal?: AbortSignal },
): Promise<AccountUsage> {
  let token = await session.getAccessToken();
  for (let attempt = 1; ; attempt++) {
    const query = new URLSearchParams({ origin: 'AI_EDITOR', resourceType: 'AGENTIC_REQUEST' });
    if (options.sendProfileArn && session.profileArn) query.set('profileArn', session.profileArn);
    const response = await transport.send({
      method: 'GET',
      url: `${session.upstream?.qHost ?? options.qHost}/getUsageLimits?${query}`,
      headers: kiroHeaders({ accessToken: token, machineId: session.machineId, attempt: 1, maxAttempts: 1, closeConnection: false, tokenType: session.upstream?.tokenType }),
      signal: options.signal ?? AbortSignal.timeout(15_000),
      headersTimeoutMs: 15_000,
      bodyTimeoutMs: 15_000,
      proxy: session.upstream?.proxy,
    });
    const text = await response.text(1024 * 1024);
    if (response.status === 200) return parseUsageLimits(text, options.now());
    const error = mapKiroHttpError({ status: response.status, bodyText: text, retryAfterHeader: response.headers['retry-after'], requestBytes: 0, maxPayloadBytes: 1, knownSecrets: [token] });
    if (error instanceof KiroTokenRejectedError && attempt === 1) {
      token = await session.refreshAfterRejection(token);
      continue;
    }
    throw error;
  }
}
