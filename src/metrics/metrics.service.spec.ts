import { createHmac } from 'node:crypto';
import { fingerprint } from '../auth/fingerprint';
import type { Principal } from '../auth/principal';
import { parseGatewayEnv } from '../config/env.schema';
import { MetricsService } from './metrics.service';

describe(MetricsService.name, () => {
  it('keeps client-chosen model labels bounded and sane', () => {
    const metrics = new MetricsService();

    expect(metrics.modelLabel('claude-sonnet-4-5[1m]')).toBe('claude-sonnet-4-5[1m]');
    expect(metrics.modelLabel(`m-${'x'.repeat(300)}`)).toBe('other');
    for (let i = 0; i < 100; i++) metrics.modelLabel(`model-${i}`);
    expect(metrics.modelLabel('model-99')).toBe('other');
    expect(metrics.modelLabel('claude-sonnet-4-5[1m]')).toBe('claude-sonnet-4-5[1m]');
  });

  const tenant = (token: string): Principal => ({ kind: 'tenant', refreshToken: token, tokenHash: fingerprint(token) });

  it('keeps tenant labels bounded and the gateway label always', () => {
    const metrics = new MetricsService();
    for (let i = 0; i < 300; i++) metrics.principalLabel(tenant(`tenant${i}`));

    expect(metrics.principalLabel(tenant('tenant299'))).toBe('tenant-other');
    expect(metrics.principalLabel({ kind: 'gateway' })).toBe('gateway');
  });

  it('labels a tenant with an HMAC under the deployment secret, not a bare hash of its token', async () => {
    const config = parseGatewayEnv({ PROXY_API_KEY: 'k', METRICS_LABEL_SECRET: 'deployment-secret' });
    const metrics = new MetricsService(config);
    await metrics.onModuleInit();
    const other = new MetricsService();
    await other.onModuleInit();

    const label = metrics.principalLabel(tenant('aorTenantToken'));

    expect(label).toBe(createHmac('sha256', 'deployment-secret').update(fingerprint('aorTenantToken')).digest('hex').slice(0, 12));
    expect(label).not.toBe(fingerprint('aorTenantToken').slice(0, 12));
    expect(other.principalLabel(tenant('aorTenantToken'))).not.toBe(label);
  });
});
