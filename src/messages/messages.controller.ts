import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, type Principal, RequiresProxyKey } from '../auth';
import { toAnthropicError } from '../common/errors';
import { ReplyWriter } from '../common/sse/reply-writer';
import type { SseFormat } from '../common/sse/sse-writer';
import type { AnthropicStreamEvent } from '../converter';
import { COUNT_TOKENS_REQUEST_EXAMPLES, CountTokensRequestDto, MESSAGES_REQUEST_EXAMPLES, MessagesRequestDto } from './dto/messages-request.dto';
import { MessagesService } from './messages.service';

/** Anthropic's wire format: `event: TYPE` + `data: {…"type": TYPE…}`; no terminator. */
const ANTHROPIC_SSE: SseFormat<AnthropicStreamEvent> = {
  event: (event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`,
  error: (error) => `event: error\ndata: ${JSON.stringify(toAnthropicError(error).body)}\n\n`,
};

@ApiTags('anthropic')
@RequiresProxyKey()
@Controller('v1/messages')
export class MessagesController {
  constructor(
    private readonly messages: MessagesService,
    private readonly replies: ReplyWriter,
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
  create(@Body() body: MessagesRequestDto, @CurrentPrincipal() principal: Principal, @Res() response: Response): Promise<void> {
    return this.replies.send(response, body, {
      format: ANTHROPIC_SSE,
      stream: (signal) => this.messages.stream(body, principal, signal),
      complete: (signal) => this.messages.complete(body, principal, signal),
    });
  }

  @Post('count_tokens')
  @HttpCode(200)
  @ApiOperation({ summary: 'Count input tokens', description: 'Counted locally (system, messages, tools, images); no upstream call.' })
  @ApiBody({ type: CountTokensRequestDto, examples: COUNT_TOKENS_REQUEST_EXAMPLES })
  @ApiOkResponse({ schema: { example: { input_tokens: 42 } } })
  countTokens(@Body() body: CountTokensRequestDto): { input_tokens: number } {
    return this.messages.countTokens(body);
  }
}
