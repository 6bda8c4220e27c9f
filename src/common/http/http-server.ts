import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Duplex } from 'node:stream';
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
    clientErrorHandler: answerAsNodeDoes,
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
 *
 * Fastify refuses a Content-Type that is not `type/subtype` (`json`, an empty value, two types
 * joined by a comma) with a 415 of its own before any guard; the gateway never relied on the
 * media type (only on its charset), so such a value becomes application/octet-stream with its
 * parameters kept, and the request goes on to its key check and route like any other.
 */
export function readNoBodies(fastify: FastifyInstance): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
  fastify.addHook('onRequest', (request, _reply, done) => {
    const type = request.headers['content-type'];
    if (type !== undefined && !MEDIA_TYPE.test(type)) request.headers['content-type'] = withValidMediaType(type);
    done();
  });
}

/** `type/subtype` in tokens (RFC 9110 §8.3.1), then parameters or nothing: what Fastify accepts. */
const MEDIA_TYPE = /^\s*[\w!#$%&'*+.^`|~-]+\/[\w!#$%&'*+.^`|~-]+\s*(?:;|$)/;

function withValidMediaType(type: string): string {
  const parameters = type.indexOf(';');
  return `application/octet-stream${parameters === -1 ? '' : type.slice(parameters)}`;
}

/**
 * A request Node's HTTP parser refused (a garbled request line, a header section over the limit,
 * headers that never finished): the bare status line Node itself writes, as before Fastify,
 * instead of Fastify's JSON in neither API family's envelope. Nothing else can be said to a
 * client that does not speak HTTP.
 */
function answerAsNodeDoes(error: Error & { code?: string }, socket: Duplex): void {
  if (socket.writable && (socket as Duplex & { bytesWritten?: number }).bytesWritten === 0) {
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
    socket.write(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
  }
  socket.destroy(error);
}
