import { Module } from '@nestjs/common';
import { ConverterService } from './converter.service';
import { TokenCountCache } from './token-count-cache';

/** One cache of prompt-part counts per process: every request's counting shares it. */
@Module({ providers: [ConverterService, { provide: TokenCountCache, useFactory: () => new TokenCountCache() }], exports: [ConverterService] })
export class ConverterModule {}
