import { Global, Module } from '@nestjs/common';
import { ActiveStreams } from './active-streams';

@Global()
@Module({ providers: [ActiveStreams], exports: [ActiveStreams] })
export class StreamingModule {}
