import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, type Principal, RequiresProxyKey } from '../auth';
import { toOpenAIError } from '../common/errors';
import { ReplyWriter } from '../common/sse/reply-writer';
import type { SseFormat } from '../common/sse/sse-writer';
import { type ResponseObject, responseEventBlock, type ResponseStreamEvent } from '../converter';
import { RESPONSES_REQUEST_EXAMPLES, ResponsesRequestDto } from './dto/responses-request.dto';
import { ResponsesService } from './responses.service';

/** The Responses wire format: `event: TYPE` + `data: {…}`; the stream ends with its last event. */
const RESPONSES_SSE: SseFormat<ResponseStreamEvent> = {
  event: responseEventBlock,
  error: (error) => {
    const { code, message, param } = toOpenAIError(error).body.error;
    return `event: error\ndata: ${JSON.stringify({ type: 'error', code, message, param, sequence_number: 0 })}\n\n`;
  },
};

@ApiTags('responses')
@RequiresProxyKey()
@Controller('v1/responses')
export class ResponsesController {
  constructor(
    private readonly responses: ResponsesService,
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
  create(@Body() body: ResponsesRequestDto, @CurrentPrincipal() principal: Principal, @Res() response: Response): Promise<void> {
    return this.replies.send(response, body, {
      format: RESPONSES_SSE,
      stream: (signal) => this.responses.stream(body, principal, signal),
      complete: (signal) => this.responses.complete(body, principal, signal),
    });
  }

  @Get(':id')
  @ApiOperation({ summary: 'Retrieve a stored response' })
  @ApiParam({ name: 'id', example: 'resp_0123456789abcdef01234567' })
  retrieve(@Param('id') id: string, @CurrentPrincipal() principal: Principal): Promise<ResponseObject> {
    return this.responses.retrieve(id, principal);
  }
}
