import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { GatewayConfig } from '../../config/gateway.config';

/** What the e2e harness may change of the server (it closes keep-alive sockets at once on close). */
export interface HttpServerOverrides {
  forceCloseConnections?: boolean;
}

/**
 * The gateway's HTTP server: Nest on Fastify, which costs a fifth of Express per request on
 * this kind of machine (measured in issue 18). The settings keep what clients saw on Express:
 * Node's own timeouts (Fastify would lift the request timeout and hold idle sockets 72 s),
 * case-insensitive paths and a trailing slash allowed, and no 503 of Fastify's own shape while
 * closing (graceful shutdown answers in the caller's envelope).
 */
export function createHttpAdapter(config: GatewayConfig, overrides: HttpServerOverrides = {}): FastifyAdapter {
  const adapter: FastifyAdapter = new FastifyAdapter({
    trustProxy: config.security.trustProxy,
    // Node's defaults, as the gateway had them: a whole request within 5 min, idle sockets 5 s.
    requestTimeout: 300_000,
    keepAliveTimeout: 5_000,
    return503OnClosing: false,
    forceCloseConnections: overrides.forceCloseConnections ?? 'idle',
    // Request tracking is a Fastify hook (configureApp), so Nest's Express-style middleware layer is not needed.
    skipMiddie: true,
    // No route has a JSON schema (bodies are read by JsonBodyGuard, validated by the DTOs): Fastify's
    // default compilers would load ajv and fast-json-stringify (about 100 modules) for nothing.
    schemaController: { compilersFactory: { buildValidator: noSchemas, buildSerializer: noSchemas } },
    // No URL is longer than Node's 16 KB of headers: a long id is looked up (and refused in the
    // API's shape) rather than answered with Fastify's own 414.
    routerOptions: { ignoreTrailingSlash: true, caseSensitive: false, maxParamLength: 16_384 },
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      const handler = frameworkErrorHandlers.get(adapter);
      if (handler) handler(error, request, reply);
      else reply.status(error.statusCode ?? 400).send();
    },
  });
  return adapter;
}

function noSchemas(): never {
  throw new Error('Fastify route schemas are not used by this gateway: validate in the DTOs.');
}

/** What answers Fastify's errors raised before routing (a malformed URL): they pass no hook, route or filter. */
export type FrameworkErrorHandler = (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => void;

const frameworkErrorHandlers = new WeakMap<FastifyAdapter, FrameworkErrorHandler>();

/** Set once the app's services exist (configureApp): Fastify takes its handler when it is created. */
export function handleFrameworkErrors(adapter: FastifyAdapter, handler: FrameworkErrorHandler): void {
  frameworkErrorHandlers.set(adapter, handler);
}

/**
 * No content-type parser reads a body: a route reads its JSON after its guards passed
 * (JsonBodyGuard), so nothing of an unauthenticated request's body is read, inflated or parsed,
 * and a request no route matches reads nothing. The body stays unread on the socket.
 */
export function readNoBodies(fastify: FastifyInstance): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
}
