import { Global, Module } from '@nestjs/common';
import { ActiveStreams } from './active-streams';
import { ReplyWriter } from './reply-writer';

@Global()
@Module({ providers: [ActiveStreams, ReplyWriter], exports: [ActiveStreams, ReplyWriter] })
export class StreamingModule {}
