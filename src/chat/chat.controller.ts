import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { RequiresProxyKey } from '../auth';
import { CurrentRequest } from '../common/http/current-request.decorator';
import type { RequestContext } from '../common/request-context';
import { ReplyWriter } from '../generation/reply-writer';
import { ChatCompletionsFamily } from './chat-completions.family';
import { CHAT_REQUEST_EXAMPLES, ChatCompletionRequestDto } from './dto/chat-completion-request.dto';
import { ChatCompletionResponseDto } from './dto/chat-completion-response.dto';

@ApiTags('chat')
@RequiresProxyKey()
@Controller('v1')
export class ChatController {
  constructor(
    private readonly chat: ChatCompletionsFamily,
    private readonly replies: ReplyWriter,
  ) {}

  @Post('chat/completions')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Create a chat completion',
    description:
      'OpenAI-compatible. With `stream: true` the answer is `text/event-stream` of `chat.completion.chunk` objects ending with `data: [DONE]`; ' +
      'a failure after the stream started is one final `data: {"error": {...}}` event instead of `[DONE]`.',
  })
  @ApiBody({ type: ChatCompletionRequestDto, examples: CHAT_REQUEST_EXAMPLES })
  @ApiProduces('application/json', 'text/event-stream')
  @ApiOkResponse({ type: ChatCompletionResponseDto, description: 'A `chat.completion` (or an SSE stream of chunks when `stream` is true).' })
  @ApiBadRequestResponse({ description: 'Malformed request, or `context_length_exceeded` (OpenAI error envelope).' })
  create(@Body() body: ChatCompletionRequestDto, @CurrentRequest() context: RequestContext, @Res() reply: FastifyReply): Promise<void> {
    return this.replies.send(reply, context, this.chat, body);
  }
}
