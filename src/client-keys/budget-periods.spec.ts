import { periodWindow } from './budget-periods';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe(periodWindow.name, () => {
  it('runs a day from 00:00 UTC to the next 00:00 UTC, whatever the local zone', () => {
    const window = periodWindow('daily', at('2026-12-01T23:59:59.999Z'));

    expect([iso(window.start), iso(window.resetsAt), window.label]).toEqual(['2026-12-01T00:00:00.000Z', '2026-12-02T00:00:00.000Z', 'd20261201']);
  });

  it('starts the next day at midnight exactly', () => {
    expect(periodWindow('daily', at('2026-12-02T00:00:00.000Z')).label).toBe('d20261202');
  });

  it('runs a month from the 1st to the next 1st, across a year and in a leap February', () => {
    const december = periodWindow('monthly', at('2026-12-31T23:59:59.999Z'));
    const february = periodWindow('monthly', at('2028-02-29T12:00:00Z'));

    expect([iso(december.start), iso(december.resetsAt), december.label]).toEqual(['2026-12-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z', 'm202612']);
    expect(iso(february.resetsAt)).toBe('2028-03-01T00:00:00.000Z');
    expect(periodWindow('monthly', at('2027-01-01T00:00:00Z')).label).toBe('m202701');
  });

  it('ends the last day of a month at the month boundary', () => {
    expect(iso(periodWindow('daily', at('2026-01-31T08:00:00Z')).resetsAt)).toBe('2026-02-01T00:00:00.000Z');
  });
});
