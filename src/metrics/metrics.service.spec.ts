import { createHmac } from 'node:crypto';
import { fingerprint } from '../auth/fingerprint';
import type { Principal } from '../auth/principal';
import { DeploymentSecret } from '../secrets/deployment-secret';
import { METRICS_LABEL_KEY_USE, MetricsService } from './metrics.service';

describe(MetricsService.name, () => {
  it('registers every metric, the alerts counter included, before anything is counted', async () => {
    const text = await new MetricsService().registry.metrics();

    expect(text).toContain('# TYPE kiro_gateway_alerts_total counter');
    expect(text).toContain('# TYPE kiro_gateway_http_requests_total counter');
  });

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

  it('labels a tenant with an HMAC under the deployment secret, not a bare hash of its token', () => {
    const secret = DeploymentSecret.of('deployment-secret-of-32-characters', 'GATEWAY_SECRET');
    const metrics = new MetricsService(secret);
    const other = new MetricsService();

    const label = metrics.principalLabel(tenant('aorTenantToken'));

    expect(label).toBe(createHmac('sha256', secret.key(METRICS_LABEL_KEY_USE)).update(fingerprint('aorTenantToken')).digest('hex').slice(0, 12));
    expect(new MetricsService(DeploymentSecret.of('deployment-secret-of-32-characters', 'Redis')).principalLabel(tenant('aorTenantToken'))).toBe(label);
    expect(label).not.toBe(fingerprint('aorTenantToken').slice(0, 12));
    expect(other.principalLabel(tenant('aorTenantToken'))).not.toBe(label);
  });
});
