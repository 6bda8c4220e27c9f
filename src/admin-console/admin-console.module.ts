import { Module } from '@nestjs/common';
import { AuthModule } from '../auth';
import { AdminAuthModule } from './admin-auth.module';
import { AdminSessionController } from './admin-session.controller';
import { RequestLogController } from './request-log.controller';
import { RequestLogService } from './request-log/request-log.service';

/** The admin console's API: login, the request log and the overview (the pages are served by setupAdminConsole). */
@Module({
  // AuthModule: the guard is made in each module that uses it, and needs the auth-failure throttle.
  imports: [AuthModule, AdminAuthModule],
  controllers: [AdminSessionController, RequestLogController],
  providers: [RequestLogService],
  exports: [RequestLogService],
})
export class AdminConsoleModule {}
