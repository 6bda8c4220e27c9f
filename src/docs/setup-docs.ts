import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { gatewayConfig, type GatewayConfig } from '../config/gateway.config';
import { dirname, join } from 'node:path';
import { APP_VERSION } from '../common/version';
import { type DocsAsset, serveDocsAssets } from './docs-assets';

const REDOC_ASSETS = '/redoc-assets';

/**
 * Swagger UI at /docs, the OpenAPI JSON at /docs-json, ReDoc at /redoc. Every asset comes from
 * installed packages (swagger-ui-dist through @nestjs/swagger, redoc's standalone bundle), never
 * a CDN, so the docs work on closed networks.
 */
export function setupDocs(app: NestFastifyApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Kiro Gateway')
    .setDescription(
      'OpenAI-compatible API for the Claude models behind Kiro. Authenticate with the proxy key: ' +
        '`Authorization: Bearer PROXY_API_KEY`, or `Bearer PROXY_API_KEY:KIRO_REFRESH_TOKEN` to use your own Kiro login (multi-tenant). ' +
        'Errors use OpenAI\'s envelope `{"error": {"message", "type", "param", "code"}}`, except on the Anthropic routes (`/v1/messages`) ' +
        'and for requests carrying `anthropic-version`, which get Anthropic\'s `{"type": "error", "error": {"type", "message"}}`.',
    )
    .setVersion(APP_VERSION)
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'PROXY_API_KEY', description: 'PROXY_API_KEY, or PROXY_API_KEY:REFRESH_TOKEN' }, 'proxy-key')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'x-api-key', description: 'The proxy key, as x-api-key' }, 'x-api-key')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  documentAdminApi(document, Boolean(app.get<GatewayConfig>(gatewayConfig.KEY).admin.apiKey));
  const http = app.getHttpAdapter().getInstance();
  // SwaggerModule's page, script and YAML name no charset (Express added one; the YAML holds non-ASCII).
  http.addHook('onRoute', (route) => {
    if (DOCS_ROUTE.test(route.url)) route.onSend = [...[route.onSend ?? []].flat(), withUtf8Charset];
  });
  serveDocsAssets(http, docsFiles());
  SwaggerModule.setup('docs', withoutStaticDirectories(app), document, {
    jsonDocumentUrl: 'docs-json',
    customSiteTitle: 'Kiro Gateway API',
    // Not persisted: the key (or KEY:REFRESH_TOKEN) would sit in the browser's localStorage.
    swaggerOptions: { persistAuthorization: false },
  });

  http.get('/redoc', (_request, reply) => {
    // The bundle as served names nothing off this server; the policy keeps it that way.
    return reply.header('Content-Security-Policy', REDOC_CSP).type('text/html; charset=utf-8').send(REDOC_PAGE);
  });
  // Browsers ask for it on every page of the docs: an empty answer, not a 404 in the console.
  http.get('/favicon.ico', (_request, reply) => reply.header('Cache-Control', 'public, max-age=86400').status(204).send());
}

/** ReDoc's bundle draws Redocly's logo from their CDN (its only outside reference): drawn from nothing here. */
const REDOC_CDN_LOGO = '"https://cdn.redoc.ly/redoc/logo-mini.svg"';
const EMPTY_IMAGE = '"data:image/svg+xml,%3Csvg xmlns=%27http://www.w3.org/2000/svg%27/%3E"';

export function withoutCdnLogo(bundle: string): string {
  return bundle.replaceAll(REDOC_CDN_LOGO, EMPTY_IMAGE);
}

/**
 * The admin API exists only with ADMIN_API_KEY: then it is documented under its own tag and
 * security scheme; without it, its routes are left out of the docs as they are out of service.
 */
function documentAdminApi(document: OpenAPIObject, enabled: boolean): void {
  if (!enabled) {
    for (const path of Object.keys(document.paths)) if (path.startsWith('/admin/')) delete document.paths[path];
    return;
  }
  document.components ??= {};
  document.components.securitySchemes = {
    ...document.components.securitySchemes,
    'admin-key': { type: 'http', scheme: 'bearer', bearerFormat: 'ADMIN_API_KEY', description: 'ADMIN_API_KEY (not the proxy key), for /admin/api only' },
  };
  document.tags = [...(document.tags ?? []), { name: 'admin', description: 'The account pool: list, add, import, enable, disable, tune, refresh, test, remove (KIRO_ACCOUNTS_FILE)' }];
}

const DOCS_ROUTE = /^\/docs(?:$|[-/])/;
const TEXT_TYPE = /^(?:text\/|application\/(?:javascript|json|yaml|x-yaml))/i;

function withUtf8Charset(_request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (err: null, payload: unknown) => void): void {
  const type = reply.getHeader('content-type');
  if (typeof type === 'string' && TEXT_TYPE.test(type) && !/;\s*charset=/i.test(type)) reply.header('content-type', `${type}; charset=utf-8`);
  done(null, payload);
}

/**
 * Swagger UI's page (served by SwaggerModule) asks for its files from /docs/; the app SwaggerModule
 * is given serves no directory for them (on Fastify that would take @fastify/static, an ES module):
 * they are the routes of {@link docsFiles}.
 */
function withoutStaticDirectories(app: NestFastifyApplication): NestFastifyApplication {
  return Object.create(app, { useStaticAssets: { value: () => undefined } }) as NestFastifyApplication;
}

/** URL path → file of every asset the docs pages load (Swagger UI's page itself is SwaggerModule's). */
function docsFiles(): Record<string, string | DocsAsset> {
  // swagger-ui-dist is @nestjs/swagger's: resolve it from there, wherever npm placed it.
  const swaggerUi = dirname(require.resolve('swagger-ui-dist/swagger-ui-bundle.js', { paths: [dirname(require.resolve('@nestjs/swagger/package.json'))] }));
  return {
    [`${REDOC_ASSETS}/redoc.standalone.js`]: { file: require.resolve('redoc/bundles/redoc.standalone.js'), rewrite: withoutCdnLogo },
    '/docs/swagger-ui-bundle.js': join(swaggerUi, 'swagger-ui-bundle.js'),
    '/docs/swagger-ui-standalone-preset.js': join(swaggerUi, 'swagger-ui-standalone-preset.js'),
    '/docs/swagger-ui.css': join(swaggerUi, 'swagger-ui.css'),
    '/docs/favicon-16x16.png': join(swaggerUi, 'favicon-16x16.png'),
    '/docs/favicon-32x32.png': join(swaggerUi, 'favicon-32x32.png'),
  };
}

const REDOC_CSP = [
  "default-src 'self'",
  "script-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
].join('; ');

const REDOC_PAGE = `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Kiro Gateway API — ReDoc</title>
    <style>body { margin: 0; padding: 0; }</style>
  </head>
  <body>
    <redoc spec-url="/docs-json"></redoc>
    <script src="${REDOC_ASSETS}/redoc.standalone.js"></script>
  </body>
</html>
`;
