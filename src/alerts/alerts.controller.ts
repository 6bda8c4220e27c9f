import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { RequiresAdminKey } from '../accounts/admin-key.guard';
import type { AlertsAnswer, DeliveryOutcome } from './alert';
import { AlertsService } from './alerts.service';

/** The alert settings (the webhook masked), the recent alerts, and a test delivery. */
@RequiresAdminKey()
@Controller('admin/api/alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @Get()
  @ApiOperation({ summary: 'Alert settings and recent alerts', description: 'The ALERT_* settings (the webhook URL shown as scheme and host only) and the last 50 alerts this replica raised, with how each delivery went.' })
  list(): AlertsAnswer {
    return { settings: this.alerts.settings(), recent: this.alerts.recent() };
  }

  @Post('test')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send a test alert', description: 'Posts a test alert to ALERT_WEBHOOK_URL now (no retry) and answers how it went: delivered, or failed with the HTTP status or the kind of error; not_configured without a webhook.' })
  test(): Promise<DeliveryOutcome> {
    return this.alerts.sendTest();
  }
}
