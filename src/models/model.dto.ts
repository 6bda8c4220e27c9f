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
