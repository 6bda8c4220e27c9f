import { Module } from '@nestjs/common';
import { KiroClient } from './kiro-client.service';
import { KiroTransport } from './kiro-transport';
import { UndiciKiroTransport } from './undici-kiro-transport';
import { KiroWebSearch } from './web-search';

@Module({
  providers: [KiroClient, KiroWebSearch, { provide: KiroTransport, useClass: UndiciKiroTransport }],
  exports: [KiroClient, KiroWebSearch, KiroTransport],
})
export class KiroClientModule {}
