import { ApiProperty } from '@nestjs/swagger';

export class ModelDto {
  @ApiProperty({ example: 'claude-sonnet-4.5' })
  id: string;

  @ApiProperty({ enum: ['model'] })
  object: 'model';

  @ApiProperty({ example: 1764000000, description: 'Unix seconds (the gateway start: Kiro reports none).' })
  created: number;

  @ApiProperty({ example: 'anthropic' })
  owned_by: string;
}

export class ModelListDto {
  @ApiProperty({ enum: ['list'] })
  object: 'list';

  @ApiProperty({ type: [ModelDto] })
  data: ModelDto[];
}

export class AnthropicModelDto {
  @ApiProperty({ enum: ['model'] })
  type: 'model';

  @ApiProperty({ example: 'claude-sonnet-4.5' })
  id: string;

  @ApiProperty({ example: 'Claude Sonnet 4.5' })
  display_name: string;

  @ApiProperty({ example: '2026-11-25T00:00:00.000Z' })
  created_at: string;
}

/** Anthropic's list shape, answered when the request carries `anthropic-version`. */
export class AnthropicModelListDto {
  @ApiProperty({ type: [AnthropicModelDto] })
  data: AnthropicModelDto[];

  @ApiProperty()
  has_more: boolean;

  @ApiProperty({ type: 'string', nullable: true })
  first_id: string | null;

  @ApiProperty({ type: 'string', nullable: true })
  last_id: string | null;
}
