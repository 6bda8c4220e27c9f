import { Module } from '@nestjs/common';
import { ConverterModule } from '../converter';
import { GenerationModule } from '../generation/generation.module';
import { MessagesController } from './messages.controller';
import { MessagesFamily } from './messages.family';

@Module({ imports: [ConverterModule, GenerationModule], controllers: [MessagesController], providers: [MessagesFamily] })
export class MessagesModule {}
