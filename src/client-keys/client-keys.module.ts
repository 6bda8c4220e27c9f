import { Global, Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { AdminAuthModule } from '../admin-console/admin-auth.module';
import { storeProvider } from '../redis/redis.module';
import { RedisSpendCounterStore } from '../redis/redis-spend-counter-store';
import { ClientKeyBudgetGuard } from './client-key-budget.guard';
import { ClientKeysController } from './client-keys.controller';
import { ClientKeysService } from './client-keys.service';
import { SpendCounterStore } from './spend-counter-store';

/**
 * Client keys (issue 15 item 4): the registry the proxy-key guard looks keys up in, their
 * budgets, and the admin API that manages them. Global: every front end's guard needs it.
 */
@Global()
@Module({
  // The admin guard (ADMIN_API_KEY or the console's session) for the controller; it is made in
  // each module that uses it, and needs the auth-failure throttle.
  imports: [AuthModule, AdminAuthModule],
  controllers: [ClientKeysController],
  providers: [
    ClientKeysService,
    ClientKeyBudgetGuard,
    // One process counts alone; replicas add up in Redis (each counting on while it is down).
    storeProvider<SpendCounterStore | null>(SpendCounterStore, { memory: () => null, redis: (redis) => new RedisSpendCounterStore(redis) }),
  ],
  exports: [ClientKeysService, ClientKeyBudgetGuard],
})
export class ClientKeysModule {}
