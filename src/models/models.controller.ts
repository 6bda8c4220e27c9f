import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { RequiresProxyKey } from '../auth';
import { NotFoundError } from '../common/errors';
import { ModelDto, ModelListDto } from './model.dto';
import { ModelEntry, ModelsService } from './models.service';

@ApiTags('models')
@RequiresProxyKey()
@Controller('v1/models')
export class ModelsController {
  constructor(private readonly models: ModelsService) {}

  @Get()
  @ApiOperation({ summary: 'List models', description: "The static model names merged with Kiro's live catalog (cached for MODEL_CACHE_TTL)." })
  @ApiOkResponse({ type: ModelListDto })
  async list(): Promise<ModelListDto> {
    return { object: 'list', data: (await this.models.list()).map(toModelDto) };
  }

  @Get(':model')
  @ApiOperation({ summary: 'Retrieve a model' })
  @ApiParam({ name: 'model', example: 'claude-sonnet-4.5' })
  @ApiOkResponse({ type: ModelDto })
  async retrieve(@Param('model') id: string): Promise<ModelDto> {
    const model = await this.models.find(id);
    if (!model) throw new NotFoundError(`The model '${id}' does not exist`, 'model_not_found', 'model');
    return toModelDto(model);
  }
}

function toModelDto(model: ModelEntry): ModelDto {
  return { id: model.id, object: 'model', created: model.created, owned_by: model.ownedBy };
}
