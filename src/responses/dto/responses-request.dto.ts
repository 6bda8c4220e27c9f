import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsArray, IsBoolean, IsDefined, IsInt, IsNotEmpty, IsNumber, IsObject, IsOptional, IsString, Max, Min } from 'class-validator';
import { IsModelName, MAX_MODEL_NAME_LENGTH } from '../../common/dto/model-name';
import type { ResponsesRequest } from '../../converter';

/**
 * `POST /v1/responses` (OpenAI Responses API, for Codex). Top-level fields are validated here;
 * input items are checked one by one by the converter, so that an error names the item.
 */
export class ResponsesRequestDto implements ResponsesRequest {
  @ApiProperty({ example: 'claude-sonnet-4.5', maxLength: MAX_MODEL_NAME_LENGTH })
  @IsModelName()
  model: string;

  @ApiProperty({
    description:
      'A string, or items: message (roles user/assistant/system/developer; input_text, input_image with a data URL, output_text), function_call (with namespace), ' +
      'function_call_output, custom_tool_call, custom_tool_call_output, reasoning (its encrypted_content read back when this gateway sealed it).',
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'object', additionalProperties: true } }],
    example: 'Say hello in three languages.',
  })
  @IsDefined()
  input: unknown;

  @ApiPropertyOptional({ description: 'System text; reaches Kiro once, with the first user turn.' })
  @IsOptional()
  @IsString()
  instructions?: string | null;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  stream?: boolean;

  @ApiPropertyOptional({
    description:
      'Function tools ({type: "function", name, description, parameters, strict}), namespace tools (their functions, called back with `namespace`) and custom (freeform) tools; ' +
      'web_search is left out; other hosted tools are refused.',
    type: 'array',
    items: { type: 'object', additionalProperties: true },
  })
  @IsOptional()
  @IsArray()
  tools?: unknown[] | null;

  @ApiPropertyOptional({ description: '"auto", "none", "required" or {"type": "function", "name"}', oneOf: [{ type: 'string' }, { type: 'object' }] })
  @IsOptional()
  tool_choice?: unknown;

  @ApiPropertyOptional({ description: 'Continue from a stored response (kept for an hour unless store is false).' })
  @IsOptional()
  @IsString()
  previous_response_id?: string | null;

  @ApiPropertyOptional({ default: true, description: 'Keep this response for previous_response_id and GET /v1/responses/{id}.' })
  @IsOptional()
  @IsBoolean()
  store?: boolean | null;

  @ApiPropertyOptional({ description: '{"effort": "minimal" | "low" | "medium" | "high"} → the thinking budget (minimal turns it off).', type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  reasoning?: { effort?: string | null; summary?: string | null } | null;

  @ApiPropertyOptional({ description: 'Accepted; Kiro takes no output limit.', type: 'integer', nullable: true })
  @IsOptional()
  @IsInt()
  @Min(1)
  max_output_tokens?: number | null;

  @ApiPropertyOptional({ type: 'number', nullable: true, description: 'Accepted; not forwarded.' })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(2)
  temperature?: number | null;

  @ApiPropertyOptional({ type: 'number', nullable: true, description: 'Accepted; not forwarded.' })
  @IsOptional()
  @IsNumber()
  top_p?: number | null;

  @ApiPropertyOptional({ description: 'Accepted.' })
  @IsOptional()
  @IsBoolean()
  parallel_tool_calls?: boolean | null;

  @ApiPropertyOptional({ description: '"reasoning.encrypted_content": reasoning items carry it, to be handed back on the next turn (for store: false); other values are accepted.', type: 'array', items: { type: 'string' } })
  @IsOptional()
  @IsArray()
  include?: unknown[] | null;

  @ApiPropertyOptional({
    description: '{"format": {"type": "json_schema", "name", "schema"}} or {"format": {"type": "json_object"}}: the answer is JSON (the model is asked for it; Kiro has no JSON mode). Echoed back.',
    type: 'object',
    additionalProperties: true,
  })
  @IsOptional()
  @IsObject()
  text?: { format?: Record<string, unknown> } & Record<string, unknown>;

  @ApiPropertyOptional({ description: 'Accepted; not used.' })
  @IsOptional()
  @IsString()
  prompt_cache_key?: string | null;

  @ApiPropertyOptional({ description: 'Echoed back.', type: 'object', additionalProperties: { type: 'string' } })
  @IsOptional()
  @IsObject()
  metadata?: Record<string, string> | null;

  @ApiPropertyOptional({ description: 'Echoed back.' })
  @IsOptional()
  @IsString()
  user?: string | null;
}

export const RESPONSES_REQUEST_EXAMPLES = {
  simple: { summary: 'A simple question', value: { model: 'claude-sonnet-4.5', input: 'Say hello in three languages.' } },
  streaming: { summary: 'Streaming, with instructions', value: { model: 'claude-sonnet-4.5', stream: true, instructions: 'Be brief.', input: 'Say hello in three languages.' } },
  tools: {
    summary: 'With a function tool',
    value: {
      model: 'claude-sonnet-4.5',
      input: 'What is the weather in Paris?',
      tools: [{ type: 'function', name: 'get_weather', description: 'Current weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }],
    },
  },
};
