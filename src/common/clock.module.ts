import { Global, Module } from '@nestjs/common';
import { Clock, systemClock } from './clock';

/** The one Clock binding for every module (tests replace it through DI). */
@Global()
@Module({ providers: [{ provide: Clock, useValue: systemClock }], exports: [Clock] })
export class ClockModule {}
