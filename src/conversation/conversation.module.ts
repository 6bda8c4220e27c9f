import { Module } from '@nestjs/common';
import { AuthModule } from '../auth';
import { ConverterModule } from '../converter';
import { KiroClientModule } from '../kiro';
import { ModelsModule } from '../models';
import { ConversationRunner } from './conversation-runner.service';

@Module({
  imports: [AuthModule, ConverterModule, KiroClientModule, ModelsModule],
  providers: [ConversationRunner],
  // Re-exported: the front ends' routes are guarded by ProxyKeyGuard, whose throttle and tenant gate live there.
  exports: [ConversationRunner, AuthModule],
})
export class ConversationModule {}
