export * from './gateway-error';
export { classifyError, kindForStatus, type ClassifiedError } from './classify';
export { toOpenAIError, envelope, type OpenAIErrorBody, type RenderedError } from './openai-error';
export { redactSecrets } from './redact';
export { toAnthropicError, toAnthropicStreamError, type AnthropicErrorBody, type RenderedAnthropicError } from './anthropic-error';
