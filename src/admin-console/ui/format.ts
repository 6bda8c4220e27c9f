/** Formatting and thresholds the console's pages share (pure: unit-tested without a browser). */

/** Credits used of the limit: green below 70 %, amber to 90 %, red beyond. */
export function usageLevel(used: number, limit: number): 'ok' | 'warn' | 'danger' {
  if (!(limit > 0)) return used > 0 ? 'danger' : 'ok';
  const share = used / limit;
  return share >= 0.9 ? 'danger' : share >= 0.7 ? 'warn' : 'ok';
}

/** 0–100, for a bar's width. */
export function usagePercent(used: number, limit: number): number {
  if (!(limit > 0)) return used > 0 ? 100 : 0;
  return Math.max(0, Math.min(100, (used / limit) * 100));
}

export function formatNumber(value: number | null | undefined, digits = 0): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

/** 850 ms, 1.2 s, 3 min. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  return `${Math.round(ms / 60_000)} min`;
}

/** Compact counts for chart labels: 950, 1.2k, 3.4M. */
export function compact(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${(value / 1e6).toFixed(1)}M`;
  if (abs >= 1e4) return `${Math.round(value / 1e3)}k`;
  if (abs >= 1e3) return `${(value / 1e3).toFixed(1)}k`;
  return abs > 0 && abs < 10 && !Number.isInteger(value) ? value.toFixed(2) : String(Math.round(value));
}

/** `12:30` (local time) for chart axes and the log. */
export function clock(at: number): string {
  const date = new Date(at);
  return `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
}

export function dateTime(at: number | string | null | undefined): string {
  if (at === null || at === undefined) return '–';
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return '–';
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')} ${clock(date.getTime())}:${String(date.getSeconds()).padStart(2, '0')}`;
}

/** The human words for an account state's reason. */
export function reasonText(reason: string | undefined): string {
  return reason ? reason.replaceAll('_', ' ') : '';
}

/** A query string of the filters that are set. */
export function queryString(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(name, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}
