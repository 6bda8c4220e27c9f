import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, type Principal, RequiresProxyKey } from '../auth';
import { toOpenAIError } from '../common/errors';
import { ReplyWriter } from '../common/sse/reply-writer';
import type { SseFormat } from '../common/sse/sse-writer';
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
  constructor(
    private readonly chat: ChatService,
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
  create(@Body() body: ChatCompletionRequestDto, @CurrentPrincipal() principal: Principal, @Res() response: Response): Promise<void> {
    return this.replies.send(response, body, {
      format: openAISse(),
      stream: (signal) => this.chat.stream(body, principal, signal),
      complete: (signal) => this.chat.complete(body, principal, signal),
    });
  }
}
