import { Module } from '@nestjs/common';
import { AuthModule } from '../auth';
import { ConverterModule } from '../converter';
import { KiroClientModule } from '../kiro';
import { ModelsModule } from '../models';
import { ConversationRunner } from './conversation-runner.service';

@Module({
  imports: [AuthModule, ConverterModule, KiroClientModule, ModelsModule],
  providers: [ConversationRunner],
  exports: [ConversationRunner],
})
export class ConversationModule {}
