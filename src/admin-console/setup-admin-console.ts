import { negotiate } from '@fastify/accept-negotiator';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { GatewayConfig } from '../config/gateway.config';
import { type ConsoleAsset, loadConsoleAssets } from './console-assets';

/**
 * The console pages allow nothing but this server: no inline script, no other origin, no
 * framing (clickjacking), no referrer.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Serves the admin console at /admin (its API lives under /admin/api). Without ADMIN_API_KEY
 * nothing is mounted: /admin is a 404 like any unknown path. The files are loaded (or, from
 * the source, bundled) at the first request and kept; a failed load is tried again next time.
 */
export function setupAdminConsole(app: NestFastifyApplication, config: GatewayConfig, load: () => Promise<Map<string, ConsoleAsset>> = loadConsoleAssets): void {
  if (!config.admin.apiKey) return;
  const logger = new Logger('AdminConsole');
  const http = app.getHttpAdapter().getInstance();
  let assets: Promise<Map<string, ConsoleAsset>> | undefined;
  const serve = (name: string, cache: string) => async (request: FastifyRequest, reply: FastifyReply) => {
    assets ??= load().catch((err: Error) => {
      assets = undefined;
      throw err;
    });
    let files: Map<string, ConsoleAsset>;
    try {
      files = await assets;
    } catch (err) {
      logger.error(`The admin console cannot be served: ${(err as Error).message}`);
      return reply.status(503).type('text/plain; charset=utf-8').send('The admin console is not available: see the gateway log.');
    }
    const file = files.get(name);
    if (!file) return reply.status(404).send();
    const gzip = negotiate(request.headers['accept-encoding'] ?? '', ['gzip']) === 'gzip';
    reply.headers({
      'Content-Type': file.contentType,
      'Content-Security-Policy': CONSOLE_CSP,
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': cache,
      Vary: 'Accept-Encoding',
    });
    if (gzip) reply.header('Content-Encoding', 'gzip');
    return reply.send(gzip ? file.gzip : file.identity);
  };
  // The page itself is never cached (a new build's script names the same files); the assets for an hour.
  // (With a trailing slash allowed by the router, /admin also serves /admin/.)
  http.get('/admin', serve('index.html', 'no-store'));
  http.get('/admin/assets/app.js', serve('app.js', 'public, max-age=3600'));
  http.get('/admin/assets/app.css', serve('app.css', 'public, max-age=3600'));
}
