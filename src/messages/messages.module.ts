import { Module } from '@nestjs/common';
import { ConversationModule } from '../conversation/conversation.module';
import { MessagesController } from './messages.controller';
import { MessagesService } from './messages.service';

@Module({ imports: [ConversationModule], controllers: [MessagesController], providers: [MessagesService] })
export class MessagesModule {}
