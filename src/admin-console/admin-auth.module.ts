import { Module } from '@nestjs/common';
import { AuthModule } from '../auth';
import { AdminKeyGuard } from '../accounts/admin-key.guard';
import { AdminSessions } from './admin-sessions';

/** What guards every admin route: ADMIN_API_KEY as a bearer key, or the console's session. */
@Module({
  imports: [AuthModule],
  providers: [AdminSessions, AdminKeyGuard],
  exports: [AdminSessions, AdminKeyGuard],
})
export class AdminAuthModule {}
