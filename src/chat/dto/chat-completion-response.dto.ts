import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Swagger documentation of the non-stream answer; the runtime shape is ChatCompletion. */
class ToolCallFunctionDto {
  @ApiProperty({ example: 'get_weather' })
  name: string;

  @ApiProperty({ example: '{"city":"Paris"}', description: 'Always valid JSON.' })
  arguments: string;
}

class ToolCallDto {
  @ApiProperty({ example: 'tooluse_abc123' })
  id: string;

  @ApiProperty({ enum: ['function'] })
  type: 'function';

  @ApiProperty({ type: ToolCallFunctionDto })
  function: ToolCallFunctionDto;
}

class AssistantMessageDto {
  @ApiProperty({ enum: ['assistant'] })
  role: 'assistant';

  @ApiProperty({ nullable: true, example: 'Hello! Bonjour! Hola!' })
  content: string | null;

  @ApiPropertyOptional({ description: 'The model\'s reasoning, when thinking is on (FAKE_REASONING).' })
  reasoning_content?: string;

  @ApiPropertyOptional({ type: [ToolCallDto] })
  tool_calls?: ToolCallDto[];

  @ApiProperty({ type: 'string', nullable: true, example: null })
  refusal: null;
}

class ChoiceDto {
  @ApiProperty({ example: 0 })
  index: number;

  @ApiProperty({ type: AssistantMessageDto })
  message: AssistantMessageDto;

  @ApiProperty({ type: 'string', nullable: true, example: null })
  logprobs: null;

  @ApiProperty({ enum: ['stop', 'length', 'tool_calls', 'content_filter'] })
  finish_reason: string;
}

class UsageDto {
  @ApiProperty({ example: 24 })
  prompt_tokens: number;

  @ApiProperty({ example: 9 })
  completion_tokens: number;

  @ApiProperty({ example: 33 })
  total_tokens: number;

  @ApiPropertyOptional({ example: 0.02, description: 'Kiro credits spent (non-standard).' })
  credits_used?: number;
}

export class ChatCompletionResponseDto {
  @ApiProperty({ example: 'chatcmpl-3Qy1ZC7b8VX0aN2J' })
  id: string;

  @ApiProperty({ enum: ['chat.completion'] })
  object: 'chat.completion';

  @ApiProperty({ example: 1764000000 })
  created: number;

  @ApiProperty({ example: 'claude-sonnet-4.5', description: 'The model name as requested.' })
  model: string;

  @ApiProperty({ type: 'string', nullable: true, example: null })
  system_fingerprint: null;

  @ApiProperty({ type: [ChoiceDto] })
  choices: ChoiceDto[];

  @ApiProperty({ type: UsageDto })
  usage: UsageDto;
}
