import { Module } from '@nestjs/common';
import { AuthModule } from '../auth';
import { KiroClientModule } from '../kiro';
import { AccountsService } from './accounts.service';
import { AdminAuthModule } from '../admin-console/admin-auth.module';
import { AdminController } from './admin.controller';
import { PoolStateSync } from './pool-state-sync';
import { UsageController } from './usage.controller';

/** The account pool, GET /v1/usage and the admin API. */
@Module({
  imports: [AuthModule, KiroClientModule, AdminAuthModule],
  controllers: [UsageController, AdminController],
  providers: [AccountsService, PoolStateSync],
  exports: [AccountsService],
})
export class AccountsModule {}
