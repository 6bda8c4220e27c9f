import { Logger } from '@nestjs/common';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../common/clock';
import { CredentialsError, UpstreamError } from '../common/errors';
import { parseGatewayEnv } from '../config/env.schema';
import type { KiroCredential } from './kiro-credential';
import { HttpTokenRefresher } from './token-refresher';

const REFRESH_TOKEN = 'aor-never-logged';
const CREDENTIAL: KiroCredential = { refreshToken: REFRESH_TOKEN, flow: 'social', source: { kind: 'env' } };
const NO_WAIT: Clock = { now: () => 0, sleep: () => Promise.resolve() };


function refresher(refreshUrl: string): HttpTokenRefresher {
  return new HttpTokenRefresher(parseGatewayEnv({ PROXY_API_KEY: 'k', KIRO_REFRESH_URL: refreshUrl }), NO_WAIT);
}

function listen(handler: (status: (code: number) => void) => void): Promise<Server> {
  const server = createServer((_req, res) => handler((code) => res.writeHead(code).end('{"message":"Invalid refresh token aor-never-logged"}')));
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe(HttpTokenRefresher.name, () => {
  const log = { warnings: [] as unknown[] };

  beforeEach(() => {
    log.warnings = [];
    // The refresher's own logger instance, without touching Nest's global logger.
    jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => void log.warnings.push(message));
  });
  afterEach(() => jest.restoreAllMocks());

  it('logs why a refresh could not reach the token service, with the request that needed it', async () => {
    const server = await listen(() => undefined);
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));

    const attempt = refresher(`http://127.0.0.1:${port}/refreshToken`).refresh(CREDENTIAL, 'm', { requestId: 'req-refresh-1' });

    await expect(attempt).rejects.toThrow(UpstreamError);
    expect(log.warnings).toEqual([
      {
        msg: `Kiro token refresh failed (social, REFRESH_TOKEN environment variable): Could not reach the Kiro token service at 127.0.0.1:${port} (3 attempts): connect ECONNREFUSED 127.0.0.1:${port}`,
        requestId: 'req-refresh-1',
      },
    ]);
  });

  it('logs a refused refresh token with the HTTP status, never the token or the answer', async () => {
    const server = await listen((status) => status(401));
    const { port } = server.address() as AddressInfo;
    try {
      const attempt = refresher(`http://127.0.0.1:${port}/refreshToken`).refresh(CREDENTIAL, 'm', { requestId: 'req-refresh-2' });

      await expect(attempt).rejects.toThrow(CredentialsError);
      expect(log.warnings).toEqual([
        { msg: 'Kiro token refresh failed (social, REFRESH_TOKEN environment variable): the token service refused it (HTTP 401)', requestId: 'req-refresh-2' },
      ]);
      expect(JSON.stringify(log.warnings)).not.toContain(REFRESH_TOKEN);
    } finally {
      server.close();
    }
  });

  it('logs without a request id outside a request (start-up, readiness)', async () => {
    const server = await listen((status) => status(403));
    const { port } = server.address() as AddressInfo;
    try {
      await expect(refresher(`http://127.0.0.1:${port}/refreshToken`).refresh(CREDENTIAL, 'm')).rejects.toThrow(CredentialsError);

      expect(log.warnings).toEqual(['Kiro token refresh failed (social, REFRESH_TOKEN environment variable): the token service refused it (HTTP 403)']);
    } finally {
      server.close();
    }
  });
});
