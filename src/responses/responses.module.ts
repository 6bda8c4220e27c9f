import { Module } from '@nestjs/common';
import { ConversationModule } from '../conversation/conversation.module';
import { ResponseStore } from './response-store';
import { ResponsesController } from './responses.controller';
import { ResponsesService } from './responses.service';

@Module({
  imports: [ConversationModule],
  controllers: [ResponsesController],
  providers: [ResponsesService, ResponseStore],
})
export class ResponsesModule {}
