import request from 'supertest';
import { type Harness, PROXY_KEY, startHarness } from './support/gateway-harness';

/**
 * What makes Kiro's per-account prompt cache hit (kiro-protocol.md §9.6): one conversationId per
 * session (the account-affinity keys, §9.2).
 */

interface KiroBody {
  conversationState: { conversationId: string };
}

describe('prompt caching (e2e)', () => {
  let h: Harness;
  const chatBodies = (): KiroBody[] => h.sim.requests.filter((r) => r.path === '/generateAssistantResponse').map((r) => r.body as KiroBody);
  const ask = (session: string | undefined, content: string) => {
    const req = request(h.url).post('/v1/messages').set('x-api-key', PROXY_KEY);
    if (session) req.set('x-claude-code-session-id', session);
    return req.send({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content }] }).expect(200);
  };

  beforeAll(async () => {
    h = await startHarness({ env: { FAKE_REASONING: 'false' } });
  });
  afterAll(() => h.close());
  beforeEach(() => h.sim.reset());

  it('sends every turn of one session with the same conversationId, and other sessions with others', async () => {
    await ask('session-a', 'first');
    await ask('session-a', 'second');
    await ask('session-b', 'first');

    const [a1, a2, b1] = chatBodies().map((body) => body.conversationState.conversationId);
    expect(a1).toBe(a2);
    expect(b1).not.toBe(a1);
    expect(a1).not.toContain('session-a');
  });

  it("gives a tenant's session its own conversationId", async () => {
    await ask('session-a', 'first');
    await request(h.url)
      .post('/v1/messages')
      .set('x-api-key', `${PROXY_KEY}:sim-refresh-token`)
      .set('x-claude-code-session-id', 'session-a')
      .send({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'first' }] })
      .expect(200);

    const [gateway, tenant] = chatBodies().map((body) => body.conversationState.conversationId);
    expect(tenant).not.toBe(gateway);
  });
});
