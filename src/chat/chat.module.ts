import { Module } from '@nestjs/common';
import { ConversationModule } from '../conversation/conversation.module';
import { ChatController } from './chat.controller';
import { ChatService } from './chat.service';

@Module({
  imports: [ConversationModule],
  controllers: [ChatController],
  providers: [ChatService],
})
export class ChatModule {}
