import { Module } from '@nestjs/common';
import { Clock, systemClock } from '../common/clock';
import { ConversationModule } from '../conversation/conversation.module';
import { ResponseStore } from './response-store';
import { ResponsesController } from './responses.controller';
import { ResponsesService } from './responses.service';

@Module({
  imports: [ConversationModule],
  controllers: [ResponsesController],
  providers: [ResponsesService, ResponseStore, { provide: Clock, useValue: systemClock }],
})
export class ResponsesModule {}
