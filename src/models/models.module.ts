import { Module } from '@nestjs/common';
import { AuthModule } from '../auth';
import { KiroClientModule } from '../kiro';
import { ModelsController } from './models.controller';
import { ModelsService } from './models.service';

@Module({
  imports: [AuthModule, KiroClientModule],
  controllers: [ModelsController],
  providers: [ModelsService],
  exports: [ModelsService],
})
export class ModelsModule {}
