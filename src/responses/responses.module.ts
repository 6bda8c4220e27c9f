import { Module } from '@nestjs/common';
import { GenerationModule } from '../generation/generation.module';
import { RedisResponseStore } from '../redis/redis-response-store';
import { storeProvider } from '../redis/redis.module';
import { MemoryResponseStore, ResponseStore } from './response-store';
import { ResponsesController } from './responses.controller';
import { ResponsesFamily } from './responses.family';

@Module({
  imports: [GenerationModule],
  controllers: [ResponsesController],
  providers: [ResponsesFamily, storeProvider<ResponseStore>(ResponseStore, { memory: (clock) => new MemoryResponseStore(clock), redis: (redis) => new RedisResponseStore(redis) })],
})
export class ResponsesModule {}
