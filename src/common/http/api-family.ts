import type { FastifyRequest } from 'fastify';
import { toAnthropicError, toOpenAIError } from '../errors';
import { requestPath } from './request-path';

export interface RenderedEnvelope {
  status: number;
  body: unknown;
  headers: Record<string, string>;
  /** False for errors the gateway did not anticipate (worth a stack trace in the log). */
  expected: boolean;
}

/**
 * Which client family a request comes from decides the error envelope: Anthropic's for the
 * Messages routes and for any request carrying `anthropic-version` (the Anthropic SDKs always
 * send it), OpenAI's for everything else.
 */
export function isAnthropicRequest(request: FastifyRequest): boolean {
  return requestPath(request.url).startsWith('/v1/messages') || request.headers['anthropic-version'] !== undefined;
}

export function renderError(request: FastifyRequest, error: unknown): RenderedEnvelope {
  return isAnthropicRequest(request) ? toAnthropicError(error) : toOpenAIError(error);
}
