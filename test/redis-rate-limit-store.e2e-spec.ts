import Redis from 'ioredis';
import { RedisRateLimitStore } from '../src/redis/redis-rate-limit-store';
import { redisAvailable, REDIS_SERVER, startRedis, type RunningProcess } from './support/processes';

if (!redisAvailable && process.env.CI) throw new Error(`CI needs redis-server at ${REDIS_SERVER} for the shared rate-limit tests`);

/** The shared rate-limit count against a real redis-server: every bucket of a request in one script. */
(redisAvailable ? describe : describe.skip)(`${RedisRateLimitStore.name} (real Redis)`, () => {
  let server: RunningProcess & { port: number };
  let redis: Redis;
  let roundTrips = 0;

  beforeAll(async () => {
    server = await startRedis();
    redis = new Redis(server.port, '127.0.0.1', { maxRetriesPerRequest: 1 });
    // Connected (and its ready check done) before any command is counted.
    await redis.ping();
    const sendCommand = redis.sendCommand.bind(redis);
    redis.sendCommand = ((...args: Parameters<Redis['sendCommand']>) => {
      roundTrips++;
      return sendCommand(...args);
    }) as Redis['sendCommand'];
  });
  afterAll(async () => {
    redis.disconnect();
    await server.stop();
  });

  it('counts two buckets in one round trip, each with its window, stopping after the first over its limit', async () => {
    const store = new RedisRateLimitStore(redis);
    const buckets = [{ key: 'rl:key:k', limit: 2 }, { key: 'rl:tenant:t', limit: 10 }];
    roundTrips = 0;

    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await store.hit(buckets, 60_000, Date.now()));

    expect(roundTrips).toBe(3);
    expect(answers.map((windows) => windows.map((w) => w.count))).toEqual([[1, 1], [2, 2], [3]]);
    expect(await redis.get('kiro-gateway:rl:tenant:t')).toBe('2');
    const ttl = await redis.pttl('kiro-gateway:rl:key:k');
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });
});
