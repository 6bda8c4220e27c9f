import { Module } from '@nestjs/common';
import { AuthModule } from '../auth';
import { ConverterModule } from '../converter';
import { KiroClientModule } from '../kiro';
import { ModelsModule } from '../models/models.module';
import { ChatController } from './chat.controller';
import { ChatService } from './chat.service';

@Module({
  imports: [AuthModule, ConverterModule, KiroClientModule, ModelsModule],
  controllers: [ChatController],
  providers: [ChatService],
})
export class ChatModule {}
