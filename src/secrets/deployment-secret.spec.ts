import type Redis from 'ioredis';
import type { Logger } from '@nestjs/common';
import { parseGatewayEnv } from '../config/env.schema';
import { DeploymentSecret } from './deployment-secret';
import { resolveDeploymentSecret, SHARED_SECRET_KEY } from './deployment-secret.module';

/** The two Redis commands the secret needs, over a map (or failing, like a Redis that is down). */
class FakeRedis {
  readonly values = new Map<string, string>();
  down = false;

  async set(key: string, value: string, mode: 'NX'): Promise<'OK' | null> {
    if (this.down) throw new Error('Connection is closed.');
    if (mode === 'NX' && this.values.has(key)) return null;
    this.values.set(key, value);
    return 'OK';
  }

  async get(key: string): Promise<string | null> {
    if (this.down) throw new Error('Connection is closed.');
    return this.values.get(key) ?? null;
  }
}

const config = (env: Record<string, string> = {}) => parseGatewayEnv({ PROXY_API_KEY: 'the-proxy-key', ...env });
const SECRET = 'a-deployment-secret-of-at-least-32-characters';

describe(DeploymentSecret.name, () => {
  it('gives each use a key of its own, the same for the same secret', () => {
    const secret = DeploymentSecret.of(SECRET, 'GATEWAY_SECRET');

    expect(secret.key('metrics tenant labels')).toHaveLength(32);
    expect(secret.key('metrics tenant labels')).not.toStrictEqual(secret.key('responses reasoning.encrypted_content'));
    expect(DeploymentSecret.of(SECRET, 'Redis').key('metrics tenant labels')).toStrictEqual(secret.key('metrics tenant labels'));
  });

  it('makes a different random secret each time', () => {
    expect(DeploymentSecret.random().key('x')).not.toStrictEqual(DeploymentSecret.random().key('x'));
  });
});

describe(resolveDeploymentSecret.name, () => {
  const warnings: string[] = [];
  const logger = { warn: (line: string) => warnings.push(line) } as unknown as Logger;
  beforeEach(() => (warnings.length = 0));

  it('uses GATEWAY_SECRET when it is set, without asking Redis', async () => {
    const redis = new FakeRedis();

    const secret = await resolveDeploymentSecret(config({ GATEWAY_SECRET: SECRET }), redis as unknown as Redis, logger);

    expect(secret.source).toBe('GATEWAY_SECRET');
    expect(secret.key('x')).toStrictEqual(DeploymentSecret.of(SECRET, 'GATEWAY_SECRET').key('x'));
    expect(redis.values.size).toBe(0);
  });

  it('never derives it from the proxy key: without Redis each process has its own', async () => {
    const [one, two] = await Promise.all([resolveDeploymentSecret(config(), null, logger), resolveDeploymentSecret(config(), null, logger)]);

    expect(one.source).toBe('this process');
    expect(one.key('x')).not.toStrictEqual(two.key('x'));
    expect(one.key('x')).not.toStrictEqual(DeploymentSecret.of('the-proxy-key', 'GATEWAY_SECRET').key('x'));
  });

  it('shares the first replica\'s random secret through Redis with the others', async () => {
    const redis = new FakeRedis() as unknown as Redis;

    const first = await resolveDeploymentSecret(config(), redis, logger);
    const second = await resolveDeploymentSecret(config(), redis, logger);

    expect([first.source, second.source]).toStrictEqual(['Redis', 'Redis']);
    expect(second.key('x')).toStrictEqual(first.key('x'));
    expect((redis as unknown as FakeRedis).values.get(SHARED_SECRET_KEY)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('keeps a secret of its own, with a warning, when Redis is down', async () => {
    const redis = new FakeRedis();
    redis.down = true;

    const secret = await resolveDeploymentSecret(config(), redis as unknown as Redis, logger);

    expect(secret.source).toBe('this process');
    expect(warnings).toStrictEqual([expect.stringContaining("Could not share the deployment secret through Redis; this replica's is its own")]);
  });
});
