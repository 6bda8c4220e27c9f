import { Module } from '@nestjs/common';
import { GenerationModule } from '../generation/generation.module';
import { ChatCompletionsFamily } from './chat-completions.family';
import { ChatController } from './chat.controller';

@Module({
  imports: [GenerationModule],
  controllers: [ChatController],
  providers: [ChatCompletionsFamily],
})
export class ChatModule {}
