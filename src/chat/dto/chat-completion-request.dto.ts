import { ApiExtraModels, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Max,
  Min,
} from 'class-validator';
import { IsModelName, MAX_MODEL_NAME_LENGTH } from '../../common/dto/model-name';
import { NestedDto } from '../../common/http/shallow-validation';
import type { ChatCompletionRequest } from '../../converter';

export class StreamOptionsDto {
  @ApiPropertyOptional({ description: 'Send a final chunk with `usage` (and `choices: []`).' })
  @IsOptional()
  @IsBoolean()
  include_usage?: boolean;
}

const MESSAGE_EXAMPLE = [
  { role: 'system', content: 'You are a concise assistant.' },
  { role: 'user', content: 'Say hello in three languages.' },
];

/**
 * `POST /v1/chat/completions`. Top-level fields are validated here; messages and tools are
 * checked one by one by the converter, so an error can name the exact message or part.
 */
@ApiExtraModels(StreamOptionsDto)
export class ChatCompletionRequestDto implements ChatCompletionRequest {
  @ApiProperty({ example: 'claude-sonnet-4.5', maxLength: MAX_MODEL_NAME_LENGTH, description: 'Kiro model id, or a dated / hyphenated Anthropic name (claude-sonnet-4-5-20250929), or `auto`.' })
  @IsModelName()
  model: string;

  @ApiProperty({
    description:
      'Conversation so far. Roles: system, developer, user, assistant, tool. Content: a string, null, or parts (`text`, `image_url` with a base64 `data:` URL of a png/jpeg/gif/webp image).',
    example: MESSAGE_EXAMPLE,
    type: 'array',
    items: { type: 'object', additionalProperties: true },
  })
  @IsArray()
  @ArrayNotEmpty()
  messages: unknown[];

  @ApiPropertyOptional({ default: false, description: 'Stream `chat.completion.chunk` events (SSE), ending with `data: [DONE]`.' })
  @IsOptional()
  @IsBoolean()
  stream?: boolean;

  @ApiPropertyOptional({ type: StreamOptionsDto })
  @IsOptional()
  @IsObject()
  @NestedDto(() => StreamOptionsDto)
  stream_options?: StreamOptionsDto | null;

  @ApiPropertyOptional({ type: 'integer', nullable: true, description: 'Accepted; Kiro does not take an output limit, so it is not forwarded.', minimum: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  max_tokens?: number | null;

  @ApiPropertyOptional({ type: 'integer', nullable: true, description: 'Accepted; not forwarded (see max_tokens).', minimum: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  max_completion_tokens?: number | null;

  @ApiPropertyOptional({ type: 'number', nullable: true, minimum: 0, maximum: 2, description: 'Accepted and validated; Kiro does not take sampling parameters.' })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(2)
  temperature?: number | null;

  @ApiPropertyOptional({ type: 'number', nullable: true, minimum: 0, maximum: 1, description: 'Accepted and validated; not forwarded.' })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  top_p?: number | null;

  @ApiPropertyOptional({ type: 'integer', nullable: true, default: 1, description: 'Only 1 is supported: Kiro returns one choice.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  n?: number | null;

  @ApiPropertyOptional({ description: 'Applied by the gateway (Kiro has none): the answer ends before the first stop sequence, finish_reason "stop".', oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] })
  @IsOptional()
  stop?: string | string[] | null;

  @ApiPropertyOptional({ description: 'Accepted; not forwarded.' })
  @IsOptional()
  @IsString()
  user?: string;

  @ApiPropertyOptional({ type: 'integer', nullable: true, description: 'Accepted; not forwarded.' })
  @IsOptional()
  @IsInt()
  seed?: number | null;

  @ApiPropertyOptional({ description: '{"type": "json_schema", "json_schema": {"name", "schema"}} or {"type": "json_object"}: the answer is JSON (the model is asked for it on the current turn; Kiro has no JSON mode).', type: 'object', additionalProperties: true })
  @IsOptional()
  response_format?: unknown;

  @ApiPropertyOptional({ description: 'Accepted; Kiro decides how many tools to call.' })
  @IsOptional()
  @IsBoolean()
  parallel_tool_calls?: boolean;

  @ApiPropertyOptional({
    description: 'Function tools (`{type: "function", function: {name, description, parameters}}`); Anthropic-style `{name, description, input_schema}` also accepted.',
    type: 'array',
    items: { type: 'object', additionalProperties: true },
  })
  @IsOptional()
  @IsArray()
  tools?: unknown[] | null;

  @ApiPropertyOptional({
    description: '`auto` (default), `none` (no tools sent), `required`, or `{type: "function", function: {name}}`.',
    oneOf: [{ type: 'string', enum: ['auto', 'none', 'required'] }, { type: 'object' }],
  })
  @IsOptional()
  tool_choice?: unknown;

  @ApiPropertyOptional({ description: 'Deprecated OpenAI function definitions.', type: 'array', items: { type: 'object', additionalProperties: true } })
  @IsOptional()
  @IsArray()
  functions?: unknown[] | null;

  @ApiPropertyOptional({ description: 'Deprecated counterpart of tool_choice.', oneOf: [{ type: 'string', enum: ['auto', 'none'] }, { type: 'object' }] })
  @IsOptional()
  function_call?: unknown;

  @ApiPropertyOptional({
    type: 'string',
    nullable: true,
    enum: ['none', 'minimal', 'low', 'medium', 'high', 'xhigh'],
    description: 'Thinking budget when FAKE_REASONING is on; `none`/`minimal` turn it off for this request.',
  })
  @IsOptional()
  @IsIn(['none', 'minimal', 'low', 'medium', 'high', 'xhigh'])
  reasoning_effort?: string | null;
}

/** Request bodies offered in Swagger UI's "Try it out": each one works as sent. */
export const CHAT_REQUEST_EXAMPLES = {
  simple: {
    summary: 'A simple question',
    value: { model: 'claude-sonnet-4.5', messages: MESSAGE_EXAMPLE },
  },
  streaming: {
    summary: 'Streaming, with usage',
    value: { model: 'claude-sonnet-4.5', stream: true, stream_options: { include_usage: true }, messages: MESSAGE_EXAMPLE },
  },
  tools: {
    summary: 'With a tool',
    value: {
      model: 'claude-sonnet-4.5',
      messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Current weather for a city',
            parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
          },
        },
      ],
    },
  },
};
