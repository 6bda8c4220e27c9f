import { Module } from '@nestjs/common';
import { AuthModule } from '../auth';
import { Clock, systemClock } from '../common/clock';
import { KiroClientModule } from '../kiro';
import { ModelsController } from './models.controller';
import { ModelsService } from './models.service';

@Module({
  imports: [AuthModule, KiroClientModule],
  controllers: [ModelsController],
  providers: [ModelsService, { provide: Clock, useValue: systemClock }],
  exports: [ModelsService],
})
export class ModelsModule {}
