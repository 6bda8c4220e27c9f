import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { RequiresProxyKey } from '../auth';
import { ClientKeysService } from '../client-keys/client-keys.service';
import { CurrentRequest } from '../common/http/current-request.decorator';
import type { RequestContext } from '../common/request-context';
import { ReplyWriter } from '../generation/reply-writer';
import { COUNT_TOKENS_REQUEST_EXAMPLES, CountTokensRequestDto, MESSAGES_REQUEST_EXAMPLES, MessagesRequestDto } from './dto/messages-request.dto';
import { MessagesFamily } from './messages.family';

@ApiTags('anthropic')
@RequiresProxyKey()
@Controller('v1/messages')
export class MessagesController {
  constructor(
    private readonly messages: MessagesFamily,
    private readonly replies: ReplyWriter,
    private readonly keys: ClientKeysService,
  ) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Create a message (Anthropic Messages API, for Claude Code)',
    description:
      'Anthropic-compatible, also at `/v1/messages?beta=true`. Auth: `x-api-key: KEY` or `Authorization: Bearer KEY` (also `KEY:REFRESH_TOKEN`). ' +
      'With `stream: true`: `message_start`, content blocks, `message_delta`, `message_stop`; a failure mid-stream is an `error` event. ' +
      'Errors use Anthropic\'s shape `{"type": "error", "error": {"type", "message"}}`.',
  })
  @ApiBody({ type: MessagesRequestDto, examples: MESSAGES_REQUEST_EXAMPLES })
  @ApiProduces('application/json', 'text/event-stream')
  @ApiOkResponse({ description: 'A `message` object, or an SSE stream of Anthropic events when `stream` is true.' })
  create(@Body() body: MessagesRequestDto, @CurrentRequest() context: RequestContext, @Res() reply: FastifyReply): Promise<void> {
    return this.replies.send(reply, context, this.messages, body);
  }

  @Post('count_tokens')
  @HttpCode(200)
  @ApiOperation({ summary: 'Count input tokens', description: 'Counted locally (system, messages, tools, images); no upstream call.' })
  @ApiBody({ type: CountTokensRequestDto, examples: COUNT_TOKENS_REQUEST_EXAMPLES })
  @ApiOkResponse({ schema: { example: { input_tokens: 42 } } })
  countTokens(@Body() body: CountTokensRequestDto, @CurrentRequest() context: RequestContext): { input_tokens: number } {
    this.keys.assertModel(context.caller, body.model);
    return this.messages.countTokens(body);
  }
}
