import { Global, Module } from '@nestjs/common';
import { AuthModule } from '../auth';
import { AdminAuthModule } from '../admin-console/admin-auth.module';
import { AlertsController } from './alerts.controller';
import { AlertsService } from './alerts.service';
import { BudgetAlerts } from './budget-alerts';

/** Webhook alerts: global, so the account pool, the token refreshes and client keys can raise them. */
@Global()
@Module({
  // AuthModule: the admin guard is made in each module that uses it, and needs the auth-failure throttle.
  imports: [AuthModule, AdminAuthModule],
  controllers: [AlertsController],
  providers: [AlertsService, BudgetAlerts],
  exports: [AlertsService],
})
export class AlertsModule {}
