import { redactSecrets } from './redact';

describe(redactSecrets.name, () => {
  const created = 'kgw_Zx3vQ9mN2pL7sK4tR8wY1uE6iO0aB5cD-_fGhJk';
  const kiroKey = 'ksk_live_0123456789abcdef';

  it("redacts the gateway's client keys and Kiro API keys wherever they appear", () => {
    const text = `my key is ${created}, and Kiro's is ${kiroKey}.`;

    expect(redactSecrets(text)).toBe("my key is [redacted], and Kiro's is [redacted].");
  });

  it('keeps the short hints and words that only look like a prefix', () => {
    expect(redactSecrets('hint kgw_AbCd… and ksk_short and tkgw_0123456789abcdefghijklmn')).toBe('hint kgw_AbCd… and ksk_short and tkgw_0123456789abcdefghijklmn');
  });

  it('redacts the apiKey, secret and refreshToken fields of JSON, compact or indented, escapes included', () => {
    const compact = JSON.stringify({ key: { name: 'ci' }, secret: 'any-shape-at-all', apiKey: 'not-prefixed-1234', refreshToken: 'r' });
    const indented = JSON.stringify({ secret: 'with \\"quotes\\" inside' }, null, 2);

    expect(JSON.parse(redactSecrets(compact))).toEqual({ key: { name: 'ci' }, secret: '[redacted]', apiKey: '[redacted]', refreshToken: '[redacted]' });
    expect(JSON.parse(redactSecrets(indented))).toEqual({ secret: '[redacted]' });
  });

  it('leaves a field name quoted inside a JSON string alone (it is not a field)', () => {
    const body = JSON.stringify({ content: 'the "secret": "plan" is out' });

    expect(redactSecrets(body)).toBe(body);
  });

  it('scans a long text without a closing quote in linear time', () => {
    const hostile = '"secret": "'.repeat(20_000) + 'x'.repeat(100_000);
    const started = process.hrtime.bigint();
    redactSecrets(hostile);

    // Far beyond any machine's noise, far below a quadratic scan (minutes).
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(5_000);
  });
});
