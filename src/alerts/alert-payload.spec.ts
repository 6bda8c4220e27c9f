import { alertPayload, maskWebhookUrl, slackEscape } from './alert-payload';
import { suspendedAlert } from './alert-rules';

describe('alertPayload', () => {
  it('gives Slack its text (title, instance, summary, one line per detail) and every field for other receivers', () => {
    const payload = alertPayload(suspendedAlert('c', 'Kiro said so', Date.UTC(2026, 11, 1, 12)), 'gw-1');

    expect(payload).toEqual({
      text: '*Account suspended* — kiro-gateway `gw-1`\nAccount "c" was suspended by Kiro: it serves no request until an operator enables it again.\n• account: c\n• reason: Kiro said so',
      kind: 'account_suspended',
      subject: 'c',
      summary: 'Account "c" was suspended by Kiro: it serves no request until an operator enables it again.',
      details: { account: 'c', reason: 'Kiro said so' },
      time: '2026-12-01T12:00:00.000Z',
      instance: 'gw-1',
      source: 'kiro-gateway',
    });
  });

  it("escapes Slack's control characters in names and leaves out empty details", () => {
    const payload = alertPayload(suspendedAlert('<!channel> & co', undefined, 0), 'gw');

    expect(payload.text).toContain('Account "&lt;!channel&gt; &amp; co" was suspended');
    expect(payload.text).not.toContain('reason');
    expect(payload.subject).toBe('<!channel> & co');
    expect(slackEscape('a<b>&c')).toBe('a&lt;b&gt;&amp;c');
  });
});

describe('maskWebhookUrl', () => {
  it('shows the scheme and host only: never the path, query or credentials that hold the token', () => {
    expect(maskWebhookUrl('https://hooks.slack.com/services/T000/B000/XXXXSECRET')).toBe('https://hooks.slack.com/…');
    expect(maskWebhookUrl('http://user:password@alerts.internal:8080/hook?token=SECRET')).toBe('http://alerts.internal:8080/…');
    expect(maskWebhookUrl(undefined)).toBeNull();
  });
});
