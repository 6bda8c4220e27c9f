import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { ENV_FILE_PATH, ignoreEnvFile } from './env-file';
import { gatewayConfig } from './gateway.config';

@Module({
  imports: [
    ConfigModule.forRoot({
      isGlobal: true,
      // Tests describe their whole environment; a developer's own .env must not leak into them.
      ignoreEnvFile: ignoreEnvFile(),
      envFilePath: ENV_FILE_PATH,
      load: [gatewayConfig],
    }),
  ],
})
export class GatewayConfigModule {}
