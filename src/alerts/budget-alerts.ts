import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { ClientKeysService } from '../client-keys/client-keys.service';
import { AlertsService } from './alerts.service';

/** A client key's spent budget (ClientKeysService tells it once per key and period) becomes a budget_reached alert. */
@Injectable()
export class BudgetAlerts implements OnModuleInit, OnModuleDestroy {
  private subscription: Subscription | undefined;

  constructor(
    private readonly keys: ClientKeysService,
    private readonly alerts: AlertsService,
  ) {}

  onModuleInit(): void {
    this.subscription = this.keys.budgetReached.subscribe((event) =>
      this.alerts.budgetReached({ key: event.keyName, period: event.period === 'daily' ? 'day' : 'month', limit: event.limit, used: event.used, resetsAt: Date.parse(event.resetsAt) }),
    );
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }
}
