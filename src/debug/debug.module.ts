import { Global, Module } from '@nestjs/common';
import { DebugDumps } from './debug-dumps';

@Global()
@Module({ providers: [DebugDumps], exports: [DebugDumps] })
export class DebugModule {}
