import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { gatewayConfig } from './gateway.config';

@Module({
  imports: [
    ConfigModule.forRoot({
      isGlobal: true,
      // Tests describe their whole environment; a developer's own .env must not leak into them.
      ignoreEnvFile: process.env.NODE_ENV === 'test',
      envFilePath: '.env',
      load: [gatewayConfig],
    }),
  ],
})
export class GatewayConfigModule {}
