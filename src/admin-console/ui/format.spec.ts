import { compact, formatMs, queryString, usageLevel, usagePercent } from './format';

describe('admin console formatting', () => {
  it('colours a credits bar green, then amber from 70 %, then red from 90 %', () => {
    expect([0, 69, 70, 89, 90, 120].map((used) => usageLevel(used, 100))).toEqual(['ok', 'ok', 'warn', 'warn', 'danger', 'danger']);
    expect(usageLevel(0, 0)).toBe('ok');
    expect(usageLevel(1, 0)).toBe('danger');
  });

  it('keeps a bar within 0 to 100 %', () => {
    expect([usagePercent(50, 200), usagePercent(300, 200), usagePercent(5, 0)]).toEqual([25, 100, 100]);
  });

  it('writes durations and counts short', () => {
    expect([formatMs(null), formatMs(850.4), formatMs(1234), formatMs(12_345), formatMs(180_000)]).toEqual(['–', '850 ms', '1.23 s', '12.3 s', '3 min']);
    expect([compact(950), compact(1234), compact(56_789), compact(3_400_000), compact(0.25)]).toEqual(['950', '1.2k', '57k', '3.4M', '0.25']);
  });

  it('leaves unset filters out of the query', () => {
    expect(queryString({ limit: 50, account: '', model: 'claude sonnet', before: undefined })).toBe('?limit=50&model=claude+sonnet');
    expect(queryString({})).toBe('');
  });
});
