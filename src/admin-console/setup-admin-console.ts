import { type INestApplication, Logger } from '@nestjs/common';
import type express from 'express';
import type { Request, Response } from 'express';
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
export function setupAdminConsole(app: INestApplication, config: GatewayConfig, load: () => Promise<Map<string, ConsoleAsset>> = loadConsoleAssets): void {
  if (!config.admin.apiKey) return;
  const logger = new Logger('AdminConsole');
  const http = app.getHttpAdapter().getInstance() as express.Express;
  let assets: Promise<Map<string, ConsoleAsset>> | undefined;
  const serve = (name: string, cache: string) => (req: Request, res: Response) => {
    assets ??= load().catch((err: Error) => {
      assets = undefined;
      throw err;
    });
    assets.then(
      (files) => {
        const file = files.get(name);
        if (!file) return res.status(404).end();
        const gzip = req.acceptsEncodings().includes('gzip');
        const body = gzip ? file.gzip : file.identity;
        res.setHeader('Content-Type', file.contentType);
        res.setHeader('Content-Security-Policy', CONSOLE_CSP);
        res.setHeader('X-Content-Type-Options', 'nosniff');
        res.setHeader('X-Frame-Options', 'DENY');
        res.setHeader('Referrer-Policy', 'no-referrer');
        res.setHeader('Cache-Control', cache);
        res.setHeader('Vary', 'Accept-Encoding');
        if (gzip) res.setHeader('Content-Encoding', 'gzip');
        res.setHeader('Content-Length', body.length);
        res.end(req.method === 'HEAD' ? undefined : body);
      },
      (err: Error) => {
        logger.error(`The admin console cannot be served: ${err.message}`);
        res.status(503).type('text/plain').send('The admin console is not available: see the gateway log.');
      },
    );
  };
  // The page itself is never cached (a new build's script names the same files); the assets for an hour.
  http.get(['/admin', '/admin/'], serve('index.html', 'no-store'));
  http.get('/admin/assets/app.js', serve('app.js', 'public, max-age=3600'));
  http.get('/admin/assets/app.css', serve('app.css', 'public, max-age=3600'));
}
