import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { OutboundDispatchers } from '../outbound/outbound-dispatchers';
import { randomUUID } from 'node:crypto';
import { request } from 'undici';
import { CredentialsError, UpstreamError } from '../common/errors';
import { Clock } from '../common/clock';
import { gatewayConfig, type GatewayConfig } from '../config/gateway.config';
import { KIRO_IDE_VERSION } from '../kiro';
import { logLine, type RequestTrace } from '../common/request-context';
import { describeSource, KiroCredential } from './kiro-credential';

export interface RefreshedToken {
  accessToken: string;
  /** Present when Kiro rotated the refresh token: the old one is dead from now on. */
  refreshToken?: string;
  expiresInSeconds: number;
  profileArn?: string;
}

export interface TokenRefresher {
  /** `trace`: the request that needed the token, named in the log line of a failure. */
  refresh(credential: KiroCredential, machineId: string, trace?: RequestTrace): Promise<RefreshedToken>;
}

export const TokenRefresher = Symbol('TokenRefresher');

const MAX_ATTEMPTS = 3;

/** The token service refused the refresh token itself (400/401/403): only a new login helps. */
class RefreshRefusedError extends CredentialsError {
  constructor(readonly upstreamStatus: number) {
    super('The Kiro refresh token was refused (expired, revoked or rotated elsewhere). Log in to Kiro again and update the credentials.');
  }
}

/** The two refresh flows of kiro-protocol.md §1.3 (social) and §1.4 (AWS SSO OIDC, JSON camelCase). */
@Injectable()
export class HttpTokenRefresher implements TokenRefresher {
  private readonly logger = new Logger('TokenRefresher');

  constructor(
    @Inject(gatewayConfig.KEY) private readonly config: GatewayConfig,
    @Inject(Clock) private readonly clock: Clock,
    @Optional() private readonly dispatchers?: OutboundDispatchers,
  ) {}

  async refresh(credential: KiroCredential, machineId: string, trace?: RequestTrace): Promise<RefreshedToken> {
    try {
      return await this.attempt(credential, machineId);
    } catch (err) {
      // The client gets the error too, but its cause (DNS, TLS, a refused token) belongs in the
      // log, next to the request that needed the token. Never the token or the service's body.
      const cause = err instanceof RefreshRefusedError ? `the token service refused it (HTTP ${err.upstreamStatus})` : (err as Error).message;
      this.logger.warn(logLine(`Kiro token refresh failed (${credential.flow}, ${describeSource(credential.source)}): ${cause}`, trace));
      throw err;
    }
  }

  private async attempt(credential: KiroCredential, machineId: string): Promise<RefreshedToken> {
    const { url, body, headers } = this.describe(credential, machineId);
    for (let attempt = 1; ; attempt++) {
      let status: number;
      let text: string;
      try {
        const response = await request(url, {
          // HTTPS_PROXY / NO_PROXY, or the account's own proxy: the refresh goes the way its calls go.
          dispatcher: this.dispatchers?.for(credential.proxy),
          method: 'POST',
          headers,
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(15_000),
        });
        status = response.statusCode;
        text = await response.body.text();
      } catch (err) {
        if (attempt < MAX_ATTEMPTS) {
          await this.clock.sleep(500 * 2 ** (attempt - 1));
          continue;
        }
        throw new UpstreamError(`Could not reach the Kiro token service at ${new URL(url).host} (${MAX_ATTEMPTS} attempts): ${networkCause(err)}`, {
          retryable: true,
          cause: err,
        });
      }
      if (status === 200) return parseRefreshResponse(text);
      // Transient trouble at the token service: K2A retries 3 times, 1 s / 2 s (§1.3).
      if ((status === 429 || status >= 500) && attempt < MAX_ATTEMPTS) {
        await this.clock.sleep(500 * 2 ** (attempt - 1));
        continue;
      }
      if (status === 400 || status === 401 || status === 403) {
        throw new RefreshRefusedError(status);
      }
      throw new UpstreamError(`The Kiro token service answered HTTP ${status}`, { retryable: status >= 500 });
    }
  }

  private describe(credential: KiroCredential, machineId: string): { url: string; body: Record<string, string>; headers: Record<string, string> } {
    if (credential.flow === 'aws-sso-oidc') {
      if (!credential.clientId || !credential.clientSecret) {
        throw new CredentialsError('AWS SSO credentials need a client id and secret (KIRO_CLIENT_ID / KIRO_CLIENT_SECRET or the registration file)');
      }
      const region = credential.region ?? this.config.kiro.region;
      return {
        url: this.config.kiro.oidcUrlTemplate.replaceAll('{region}', region),
        body: { clientId: credential.clientId, clientSecret: credential.clientSecret, grantType: 'refresh_token', refreshToken: credential.refreshToken },
        headers: {
          'content-type': 'application/json',
          'x-amz-user-agent': 'aws-sdk-js/3.980.0 KiroIDE',
          'user-agent': `aws-sdk-js/3.980.0 ua/2.1 os/${process.platform} lang/js md/nodejs#${process.versions.node} api/sso-oidc#3.980.0 m/E KiroIDE`,
          'amz-sdk-invocation-id': randomUUID(),
          'amz-sdk-request': 'attempt=1; max=4',
        },
      };
    }
    return {
      url: this.config.kiro.refreshUrl,
      body: { refreshToken: credential.refreshToken },
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/plain, */*',
        'user-agent': `KiroIDE-${KIRO_IDE_VERSION}-${machineId}`,
      },
    };
  }
}

/** undici wraps DNS and socket errors: the useful words (`getaddrinfo ENOTFOUND host`) are in the cause. */
function networkCause(err: unknown): string {
  const cause = (err as { cause?: unknown }).cause;
  const message = (err as Error).message;
  return cause instanceof Error && cause.message && !message.includes(cause.message) ? `${message}: ${cause.message}` : message;
}

function parseRefreshResponse(text: string): RefreshedToken {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new UpstreamError('The Kiro token service answered with something that is not JSON', { retryable: false });
  }
  const accessToken = json.accessToken ?? json.access_token;
  if (typeof accessToken !== 'string' || !accessToken) {
    throw new UpstreamError('The Kiro token service answered without an access token', { retryable: false });
  }
  const refreshToken = json.refreshToken ?? json.refresh_token;
  const expiresIn = Number(json.expiresIn ?? json.expires_in);
  return {
    accessToken,
    refreshToken: typeof refreshToken === 'string' && refreshToken ? refreshToken : undefined,
    expiresInSeconds: Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 3600,
    profileArn: typeof json.profileArn === 'string' ? json.profileArn : undefined,
  };
}
