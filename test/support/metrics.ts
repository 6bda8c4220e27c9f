import request from 'supertest';
import { type Harness, PROXY_KEY } from './gateway-harness';

/** A counter of the gateway's /metrics, read with the proxy key (anonymous callers get 401). */
export async function metric(h: Harness, name: string): Promise<number> {
  const res = await request(h.url).get('/metrics').set('authorization', `Bearer ${PROXY_KEY}`);
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
  return Number(new RegExp(`^${name} (\\d+)`, 'm').exec(res.text)?.[1] ?? Number.NaN);
}
