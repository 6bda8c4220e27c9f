import { KiroSimulator } from './kiro-simulator';
import { SimAccount, SUSPICIOUS_ACTIVITY_MESSAGE } from './sim-accounts';
import { textReply } from './scenarios';

const chatBody = (modelId = 'claude-sonnet-4.5'): string =>
  JSON.stringify({
    conversationState: {
      chatTriggerType: 'MANUAL',
      conversationId: 'conv-1',
      currentMessage: { userInputMessage: { content: 'hi', modelId, origin: 'AI_EDITOR' } },
    },
  });

async function refresh(sim: KiroSimulator, refreshToken: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${sim.url}/refreshToken`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refreshToken }) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function chat(sim: KiroSimulator, bearer: string, extra: Record<string, string> = {}, modelId?: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`${sim.url}/generateAssistantResponse`, {
    method: 'POST',
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json', ...extra },
    body: chatBody(modelId),
  });
  return { status: res.status, body: await res.text() };
}

async function tokenOf(sim: KiroSimulator, refreshToken: string): Promise<string> {
  return (await refresh(sim, refreshToken)).body.accessToken as string;
}

describe('KiroSimulator accounts', () => {
  let sim: KiroSimulator;

  beforeEach(async () => {
    sim = await KiroSimulator.start({
      defaultScenario: textReply('ok', { meteringUsage: 0.5 }),
      accounts: [
        { name: 'a', plan: 'KIRO FREE', usageLimit: 1, models: ['auto', 'claude-haiku-4.5'] },
        { name: 'b', apiKeys: ['ksk_sim_b'] },
      ],
    });
  });
  afterEach(() => sim.close());

  it('tells accounts apart by their access tokens and records which one a call was for', async () => {
    const a = await tokenOf(sim, 'a-refresh-token');

    expect((await chat(sim, a, {}, 'auto')).status).toBe(200);
    expect(sim.requests.filter((r) => r.path === '/generateAssistantResponse').map((r) => r.account)).toEqual(['a']);
    expect(sim.account('a').stats).toMatchObject({ chatRequests: 1, served: 1, refreshes: 1 });
    expect(sim.account('default').stats.chatRequests).toBe(0);
  });

  it('takes an API key only with tokentype: API_KEY', async () => {
    expect((await chat(sim, 'ksk_sim_b', { tokentype: 'API_KEY' })).status).toBe(200);
    expect((await chat(sim, 'ksk_sim_b')).status).toBe(403);
    expect(sim.account('b').stats.served).toBe(1);
  });

  it("refuses a model outside the account's catalog with INVALID_MODEL_ID", async () => {
    const a = await tokenOf(sim, 'a-refresh-token');

    const res = await chat(sim, a, {}, 'claude-opus-4.5');

    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ reason: 'INVALID_MODEL_ID' });
  });

  it("lists each account's own catalog", async () => {
    const a = await tokenOf(sim, 'a-refresh-token');

    const res = await fetch(`${sim.url}/ListAvailableModels?origin=AI_EDITOR`, { headers: { authorization: `Bearer ${a}` } });

    expect(((await res.json()) as { models: Array<{ modelId: string }> }).models.map((m) => m.modelId)).toEqual(['auto', 'claude-haiku-4.5']);
  });

  it('meters served streams into the usage limits, and answers 402 once the limit is reached', async () => {
    const a = await tokenOf(sim, 'a-refresh-token');
    await chat(sim, a, {}, 'auto');
    await chat(sim, a, {}, 'auto');

    const usage = await fetch(`${sim.url}/getUsageLimits?origin=AI_EDITOR&resourceType=AGENTIC_REQUEST`, { headers: { authorization: `Bearer ${a}` } });
    const third = await chat(sim, a, {}, 'auto');

    expect(await usage.json()).toMatchObject({
      subscriptionInfo: { subscriptionTitle: 'KIRO FREE' },
      usageBreakdownList: [{ resourceType: 'CREDIT', currentUsageWithPrecision: 1, usageLimitWithPrecision: 1 }],
    });
    expect(third.status).toBe(402);
    expect(JSON.parse(third.body)).toMatchObject({ reason: 'MONTHLY_REQUEST_COUNT' });
  });

  it.each([
    ['suspend', 403, 'TEMPORARILY_SUSPENDED'],
    ['quota', 402, 'OVERAGE_REQUEST_LIMIT_EXCEEDED'],
    ['throttle', 429, 'SERVICE_REQUEST_RATE_EXCEEDED'],
  ] as const)('answers the %s fault on that account only', async (fault, status, reason) => {
    const [a, def] = [await tokenOf(sim, 'a-refresh-token'), await tokenOf(sim, 'sim-refresh-token')];
    sim.account('a').setFault(fault);

    const faulty = await chat(sim, a, {}, 'auto');
    const other = await chat(sim, def);

    expect(faulty.status).toBe(status);
    expect(JSON.parse(faulty.body)).toMatchObject({ reason });
    expect(other.status).toBe(200);
  });

  it('answers the suspicious-activity 429 with its real wording', async () => {
    const a = await tokenOf(sim, 'a-refresh-token');
    sim.account('a').setFault('suspicious');

    const res = await chat(sim, a, {}, 'auto');

    expect(res.status).toBe(429);
    expect(JSON.parse(res.body).message).toBe(SUSPICIOUS_ACTIVITY_MESSAGE);
  });

  it('ends a fault after `times` calls, or when cleared', async () => {
    const a = await tokenOf(sim, 'a-refresh-token');
    sim.account('a').setFault('throttle', { times: 1 });

    expect((await chat(sim, a, {}, 'auto')).status).toBe(429);
    expect((await chat(sim, a, {}, 'auto')).status).toBe(200);
    sim.account('a').setFault('suspend');
    sim.account('a').clearFault();
    expect((await chat(sim, a, {}, 'auto')).status).toBe(200);
  });

  it('invalid-grant expires the access tokens and refuses the refresh', async () => {
    const a = await tokenOf(sim, 'a-refresh-token');
    sim.account('a').setFault('invalid-grant');

    expect((await chat(sim, a, {}, 'auto')).status).toBe(403);
    expect(await refresh(sim, 'a-refresh-token')).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(sim.refreshCountFor('a-refresh-token')).toBe(2);
  });

  it('reports a suspended account on getUsageLimits too', async () => {
    const a = await tokenOf(sim, 'a-refresh-token');
    sim.account('a').setFault('suspend');

    const res = await fetch(`${sim.url}/getUsageLimits?origin=AI_EDITOR&resourceType=AGENTIC_REQUEST`, { headers: { authorization: `Bearer ${a}` } });

    expect(res.status).toBe(403);
  });
});

describe(SimAccount.name, () => {
  it('computes daysUntilReset from nextDateReset', () => {
    const account = new SimAccount({ name: 'x', nextDateReset: 1_800_000_000 }, { rotateRefreshTokens: false, accessTokenTtlSeconds: 60 });

    expect(account.usageLimits(1_800_000_000_000 - 2.5 * 86_400_000)).toMatchObject({ nextDateReset: 1_800_000_000, daysUntilReset: 3 });
  });
});
