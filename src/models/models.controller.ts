import { Controller, Get, Headers, Param } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, RequiresProxyKey } from '../auth';
import { ClientKeysService } from '../client-keys/client-keys.service';
import { MAX_MODEL_NAME_LENGTH } from '../common/dto/model-name';
import { NotFoundError } from '../common/errors';
import { AnthropicModelDto, AnthropicModelListDto, ModelDto, ModelListDto } from './model.dto';
import { ModelEntry, ModelsService } from './models.service';

/** Optional: the Anthropic SDKs send it, and then get Anthropic's shapes (Swagger UI must not demand it). */
const ANTHROPIC_VERSION_HEADER = ApiHeader({ name: 'anthropic-version', required: false, description: "Any value (e.g. 2023-06-01): answer in Anthropic's shape." });

@ApiTags('models')
@RequiresProxyKey()
@Controller('v1/models')
export class ModelsController {
  constructor(
    private readonly models: ModelsService,
    private readonly keys: ClientKeysService,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'List models',
    description:
      "What the caller's Kiro account can serve: its live catalog (cached for MODEL_CACHE_TTL), the hyphenated and dated names clients know " +
      'those models by, and MODEL_ALIASES; for a client key limited to some models, only those. ' +
      "With an `anthropic-version` header the list comes in Anthropic's shape.",
  })
  @ApiOkResponse({ type: ModelListDto })
  @ANTHROPIC_VERSION_HEADER
  async list(@CurrentPrincipal() principal: Principal, @Headers('anthropic-version') anthropicVersion?: string): Promise<ModelListDto | AnthropicModelListDto> {
    // A key limited to some models lists only those.
    const models = (await this.models.list(principal)).filter((model) => this.keys.allowsModel(principal, model.id));
    if (anthropicVersion === undefined) return { object: 'list', data: models.map(toModelDto) };
    const data = models.map(toAnthropicModelDto);
    return { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data[data.length - 1]?.id ?? null };
  }

  @Get(':model')
  @ApiOperation({ summary: 'Retrieve a model' })
  @ApiParam({ name: 'model', example: 'claude-sonnet-4.5' })
  @ApiOkResponse({ type: ModelDto })
  @ANTHROPIC_VERSION_HEADER
  async retrieve(@Param('model') id: string, @CurrentPrincipal() principal: Principal, @Headers('anthropic-version') anthropicVersion?: string): Promise<ModelDto | AnthropicModelDto> {
    const model = id.length <= MAX_MODEL_NAME_LENGTH && this.keys.allowsModel(principal, id) ? await this.models.find(id, principal) : undefined;
    if (!model) throw new NotFoundError(`The model '${id.slice(0, MAX_MODEL_NAME_LENGTH)}' does not exist`, 'model_not_found', 'model');
    return anthropicVersion === undefined ? toModelDto(model) : toAnthropicModelDto(model);
  }
}

function toAnthropicModelDto(model: ModelEntry): AnthropicModelDto {
  return { type: 'model', id: model.id, display_name: model.displayName, created_at: new Date(model.created * 1000).toISOString() };
}

function toModelDto(model: ModelEntry): ModelDto {
  return { id: model.id, object: 'model', created: model.created, owned_by: model.ownedBy };
}
