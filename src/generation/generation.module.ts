import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts';
import { AuthModule } from '../auth';
import { ConverterModule } from '../converter';
import { KiroClientModule } from '../kiro';
import { ModelsModule } from '../models';
import { ActiveStreams } from './active-streams';
import { GenerationPipeline } from './generation-pipeline';
import { ReplyWriter } from './reply-writer';

/** The generation pipeline and its HTTP edge, for the front ends (chat, messages, responses). */
@Module({
  imports: [AuthModule, AccountsModule, ConverterModule, KiroClientModule, ModelsModule],
  providers: [GenerationPipeline, ReplyWriter, ActiveStreams],
  // AuthModule: the front ends' routes are guarded by ProxyKeyGuard.
  exports: [ReplyWriter, AuthModule],
})
export class GenerationModule {}
