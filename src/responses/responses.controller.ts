import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, type Principal, RequiresProxyKey } from '../auth';
import { CurrentRequest } from '../common/http/current-request.decorator';
import type { RequestContext } from '../common/request-context';
import type { ResponseObject } from '../converter';
import { ReplyWriter } from '../generation/reply-writer';
import { RESPONSES_REQUEST_EXAMPLES, ResponsesRequestDto } from './dto/responses-request.dto';
import { ResponsesFamily } from './responses.family';

@ApiTags('responses')
@RequiresProxyKey()
@Controller('v1/responses')
export class ResponsesController {
  constructor(
    private readonly responses: ResponsesFamily,
    private readonly replies: ReplyWriter,
  ) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Create a response (OpenAI Responses API, for Codex)',
    description:
      'With `stream: true`: `response.created`, `response.in_progress`, output items (reasoning summary, message text, function calls) and ' +
      '`response.completed` / `response.incomplete`, every event numbered by `sequence_number`; a failure mid-stream ends with `response.failed`.',
  })
  @ApiBody({ type: ResponsesRequestDto, examples: RESPONSES_REQUEST_EXAMPLES })
  @ApiProduces('application/json', 'text/event-stream')
  @ApiOkResponse({ description: 'A `response` object, or an SSE stream of response events when `stream` is true.' })
  create(@Body() body: ResponsesRequestDto, @CurrentRequest() context: RequestContext, @Res() reply: FastifyReply): Promise<void> {
    return this.replies.send(reply, context, this.responses, body);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Retrieve a stored response' })
  @ApiParam({ name: 'id', example: 'resp_0123456789abcdef01234567' })
  retrieve(@Param('id') id: string, @CurrentPrincipal() principal: Principal): Promise<ResponseObject> {
    return this.responses.retrieve(id, principal);
  }
}
