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

  it('keeps tenant labels bounded and the gateway label always', () => {
    const metrics = new MetricsService();
    for (let i = 0; i < 300; i++) metrics.principalLabel(`tenant${i}`);

    expect(metrics.principalLabel('tenant299')).toBe('tenant-other');
    expect(metrics.principalLabel('gateway')).toBe('gateway');
  });
});
