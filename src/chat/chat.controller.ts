import { Body, Controller, HttpCode, Logger, Post, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, type Principal, RequiresProxyKey } from '../auth';
import { toOpenAIError } from '../common/errors';
import { abortOnClientGone } from '../common/http/client-abort';
import { ActiveStreams } from '../common/sse/active-streams';
import { type SseFormat, writeSse } from '../common/sse/sse-writer';
import { type ChatCompletionChunk, ChunkSerializer } from '../converter';
import { ChatService } from './chat.service';
import { CHAT_REQUEST_EXAMPLES, ChatCompletionRequestDto } from './dto/chat-completion-request.dto';
import { ChatCompletionResponseDto } from './dto/chat-completion-response.dto';

/** OpenAI's wire format: `data: {json}` blocks, `data: [DONE]` at the end (one per stream). */
function openAISse(): SseFormat<ChatCompletionChunk> {
  const serializer = new ChunkSerializer();
  return {
    event: (chunk) => `data: ${serializer.serialize(chunk)}\n\n`,
    error: (error) => `data: ${JSON.stringify(toOpenAIError(error).body)}\n\n`,
    end: 'data: [DONE]\n\n',
  };
}

@ApiTags('chat')
@RequiresProxyKey()
@Controller('v1')
export class ChatController {
  private readonly logger = new Logger('Chat');

  constructor(
    private readonly chat: ChatService,
    private readonly activeStreams: ActiveStreams,
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
  async create(@Body() body: ChatCompletionRequestDto, @CurrentPrincipal() principal: Principal, @Res() response: Response): Promise<void> {
    const signal = abortOnClientGone(response);
    response.locals.model = body.model;
    response.locals.stream = body.stream === true;
    if (body.stream) {
      const reply = await this.chat.stream(body, principal, signal);
      writeSse(response, reply.events$, {
        flow: reply.flow,
        format: openAISse(),
        registry: this.activeStreams,
        onError: (error) => this.logger.warn(`Stream ended with an error: ${toOpenAIError(error).body.error.message}`),
      });
      return;
    }
    response.status(200).json(await this.chat.complete(body, principal, signal));
  }
}
