import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayNotEmpty, IsArray, IsBoolean, IsDefined, IsInt, IsNotEmpty, IsNumber, IsObject, IsOptional, IsString, Max, Min } from 'class-validator';
import { IsModelName, MAX_MODEL_NAME_LENGTH } from '../../common/dto/model-name';
import type { AnthropicMessagesRequest } from '../../converter';

const MESSAGES_EXAMPLE = [{ role: 'user', content: 'Say hello in three languages.' }];

/**
 * `POST /v1/messages` (Anthropic Messages API). Top-level fields are validated here; blocks are
 * checked one by one by the converter, so that an error names the exact block.
 */
export class MessagesRequestDto implements AnthropicMessagesRequest {
  @ApiProperty({ example: 'claude-sonnet-4-5-20250929', maxLength: MAX_MODEL_NAME_LENGTH, description: 'As Claude Code sends it: dated, hyphenated, with `[1m]`, or a Kiro id.' })
  @IsModelName()
  model: string;

  @ApiProperty({ example: 1024, minimum: 1, maximum: 128000, description: 'Accepted (up to 128000); Kiro takes no output limit, so it is not forwarded.' })
  @IsInt()
  @Min(1)
  @Max(128_000)
  @IsDefined({ message: 'max_tokens is required' })
  max_tokens: number;

  @ApiProperty({
    description:
      'User and assistant turns, and system messages anywhere (system instructions at that point); content a string or blocks: text, image (base64), ' +
      'tool_use, tool_result, thinking, document (text documents are read; PDFs are left out), search_result, and earlier turns\' server tool blocks.',
    example: MESSAGES_EXAMPLE,
    type: 'array',
    items: { type: 'object', additionalProperties: true },
  })
  @IsArray()
  @ArrayNotEmpty()
  messages: unknown[];

  @ApiPropertyOptional({ description: 'A string, or text blocks (cache_control accepted).', oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'object' } }] })
  @IsOptional()
  system?: unknown;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  stream?: boolean;

  @ApiPropertyOptional({ description: 'Custom tools ({name, description, input_schema}); server tools such as web_search are left out.', type: 'array', items: { type: 'object', additionalProperties: true } })
  @IsOptional()
  @IsArray()
  tools?: unknown[];

  @ApiPropertyOptional({ description: '{"type": "auto" | "any" | "tool" | "none", "name"?}', type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  tool_choice?: unknown;

  @ApiPropertyOptional({
    description: '{"type": "enabled", "budget_tokens": N} or {"type": "adaptive"} (with output_config.effort); `display: "omitted"` returns thinking blocks without their text.',
    type: 'object',
    additionalProperties: true,
  })
  @IsOptional()
  @IsObject()
  thinking?: unknown;

  @ApiPropertyOptional({
    description: '{"effort": "low" | "medium" | "high" | "max"} for adaptive thinking; {"format": {"type": "json_schema", "schema"}} for a JSON answer (the model is asked for it; Kiro has no JSON mode).',
    type: 'object',
    additionalProperties: true,
  })
  @IsOptional()
  @IsObject()
  output_config?: unknown;

  @ApiPropertyOptional({ description: 'The structured-outputs beta spelling of output_config.format.', type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  output_format?: unknown;

  @ApiPropertyOptional({ minimum: 0, maximum: 1, description: 'Accepted; not forwarded.' })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  temperature?: number;

  @ApiPropertyOptional({ description: 'Accepted; not forwarded.' })
  @IsOptional()
  @IsNumber()
  top_p?: number;

  @ApiPropertyOptional({ description: 'Accepted; not forwarded.' })
  @IsOptional()
  @IsInt()
  top_k?: number;

  @ApiPropertyOptional({ description: 'Applied by the gateway (Kiro has none): the answer ends before the first one, with stop_reason "stop_sequence".', type: [String] })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  stop_sequences?: string[];

  @ApiPropertyOptional({ description: 'Accepted (metadata.user_id); not forwarded.', type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  metadata?: unknown;

  @ApiPropertyOptional({ description: 'Accepted; earlier thinking is never forwarded anyway.', type: 'object', additionalProperties: true })
  @IsOptional()
  context_management?: unknown;

  @ApiPropertyOptional({ description: 'Accepted and ignored: Kiro has no code-execution container.' })
  @IsOptional()
  container?: unknown;

  @ApiPropertyOptional({ description: 'Accepted and ignored: Kiro does not connect to MCP servers.', type: 'array', items: { type: 'object', additionalProperties: true } })
  @IsOptional()
  mcp_servers?: unknown;

  @ApiPropertyOptional({ description: 'Accepted and ignored.' })
  @IsOptional()
  service_tier?: unknown;
}

/** `POST /v1/messages/count_tokens`: the request without generation settings. */
export class CountTokensRequestDto implements AnthropicMessagesRequest {
  @ApiProperty({ example: 'claude-sonnet-4-5-20250929', maxLength: MAX_MODEL_NAME_LENGTH })
  @IsModelName()
  model: string;

  @ApiProperty({ example: MESSAGES_EXAMPLE, type: 'array', items: { type: 'object', additionalProperties: true } })
  @IsArray()
  @ArrayNotEmpty()
  messages: unknown[];

  @ApiPropertyOptional({ oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'object' } }] })
  @IsOptional()
  system?: unknown;

  @ApiPropertyOptional({ type: 'array', items: { type: 'object', additionalProperties: true } })
  @IsOptional()
  @IsArray()
  tools?: unknown[];

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  tool_choice?: unknown;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  thinking?: unknown;
}

export const MESSAGES_REQUEST_EXAMPLES = {
  simple: { summary: 'A simple question', value: { model: 'claude-sonnet-4-5-20250929', max_tokens: 1024, messages: MESSAGES_EXAMPLE } },
  streaming: { summary: 'Streaming', value: { model: 'claude-sonnet-4-5-20250929', max_tokens: 1024, stream: true, messages: MESSAGES_EXAMPLE } },
  tools: {
    summary: 'With a tool',
    value: {
      model: 'claude-sonnet-4-5-20250929',
      max_tokens: 1024,
      messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
      tools: [{ name: 'get_weather', description: 'Current weather for a city', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }],
    },
  },
};

/** Swagger's Try-it-out bodies for count_tokens: real requests, so they answer 200 as they are. */
export const COUNT_TOKENS_REQUEST_EXAMPLES = {
  simple: { summary: 'Messages only', value: { model: 'claude-sonnet-4-5-20250929', messages: MESSAGES_EXAMPLE } },
  tools: {
    summary: 'With a system prompt and a tool',
    value: {
      model: 'claude-sonnet-4-5-20250929',
      system: 'You are a weather assistant.',
      messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
      tools: MESSAGES_REQUEST_EXAMPLES.tools.value.tools,
    },
  },
};
