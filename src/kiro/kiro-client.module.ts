import { Module } from '@nestjs/common';
import { Clock, systemClock } from '../common/clock';
import { KiroClient } from './kiro-client.service';
import { KiroTransport } from './kiro-transport';
import { UndiciKiroTransport } from './undici-kiro-transport';

@Module({
  providers: [KiroClient, { provide: KiroTransport, useClass: UndiciKiroTransport }, { provide: Clock, useValue: systemClock }],
  exports: [KiroClient],
})
export class KiroClientModule {}
