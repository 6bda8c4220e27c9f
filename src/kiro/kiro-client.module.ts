import { Module } from '@nestjs/common';
import { KiroClient } from './kiro-client.service';
import { KiroTransport } from './kiro-transport';
import { UndiciKiroTransport } from './undici-kiro-transport';

@Module({
  providers: [KiroClient, { provide: KiroTransport, useClass: UndiciKiroTransport }],
  exports: [KiroClient, KiroTransport],
})
export class KiroClientModule {}
