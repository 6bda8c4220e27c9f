import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DeliveryOutcome } from './alert';
import { alertPayload } from './alert-payload';
import { testAlert } from './alert-rules';
import { deliveryError, type PostAlert, retryable, webhookPoster, WebhookQueue } from './webhook-sender';

const payload = alertPayload(testAlert(0), 'gw');

async function receiver(answer: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<{ server: Server; url: string; bodies: string[] }> {
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      bodies.push(body);
      answer(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/secret-token`, bodies };
}

describe('webhookPoster', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  it('posts the payload as JSON and reports the 2xx', async () => {
    const r = await receiver((req, res) => res.writeHead(200).end(req.headers['content-type']));
    server = r.server;

    expect(await webhookPoster(r.url, 5_000, () => undefined)(payload)).toEqual({ outcome: 'delivered', status: 200 });
    expect(JSON.parse(r.bodies[0])).toEqual(payload);
  });

  it('reports an error status, a timeout and a refused connection as kinds, never with the URL', async () => {
    const r = await receiver((req, res) => (req.url === '/slow' ? undefined : res.writeHead(403).end('no')));
    server = r.server;
    const base = r.url.replace('/hooks/secret-token', '');

    const outcomes = [
      await webhookPoster(r.url, 5_000, () => undefined)(payload),
      await webhookPoster(`${base}/slow`, 200, () => undefined)(payload),
      await webhookPoster('http://127.0.0.1:1/secret-token', 5_000, () => undefined)(payload),
    ];

    expect(outcomes).toEqual([
      { outcome: 'failed', status: 403, error: 'http_status' },
      { outcome: 'failed', error: 'timeout' },
      { outcome: 'failed', error: 'connection_refused' },
    ]);
    expect(JSON.stringify(outcomes)).not.toContain('secret-token');
  });
});

describe('deliveryError and retryable', () => {
  it('names the kind of a failure and retries only what may pass a moment later', () => {
    expect(deliveryError(Object.assign(new Error('getaddrinfo ENOTFOUND hooks.example'), { code: 'ENOTFOUND' }))).toBe('dns');
    expect(deliveryError(Object.assign(new Error('x'), { code: 'CERT_HAS_EXPIRED' }))).toBe('tls');
    expect(deliveryError(new Error('other'))).toBe('network');
    expect([500, 503, 429, 404, 400].map((status) => retryable({ outcome: 'failed', status, error: 'http_status' }))).toEqual([true, true, true, false, false]);
    expect(retryable({ outcome: 'failed', error: 'timeout' })).toBe(true);
    expect(retryable({ outcome: 'failed', error: 'dns' })).toBe(false);
    expect(retryable({ outcome: 'delivered', status: 200 })).toBe(false);
  });
});

describe(WebhookQueue.name, () => {
  it('sends one at a time, in order, off the caller', async () => {
    const sent: string[] = [];
    let inFlight = 0;
    let most = 0;
    const post: PostAlert = async (p) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      sent.push(p.subject);
      inFlight--;
      return { outcome: 'delivered', status: 200 };
    };
    const queue = new WebhookQueue(post, { maxQueued: 10, retryDelayMs: 1 });
    const done: Array<Promise<DeliveryOutcome>> = ['a', 'b', 'c'].map((subject) => new Promise((resolve) => queue.enqueue({ ...payload, subject }, resolve)));

    expect(sent).toEqual([]);
    expect(await Promise.all(done)).toEqual([1, 2, 3].map(() => ({ outcome: 'delivered', status: 200 })));
    expect(sent).toEqual(['a', 'b', 'c']);
    expect(most).toBe(1);
  });

  it('tries a retryable failure exactly once more, a final one never', async () => {
    const answers: DeliveryOutcome[] = [
      { outcome: 'failed', status: 503, error: 'http_status' },
      { outcome: 'failed', status: 503, error: 'http_status' },
      { outcome: 'failed', status: 400, error: 'http_status' },
    ];
    let posts = 0;
    const post: PostAlert = async () => answers[posts++] as Awaited<ReturnType<PostAlert>>;
    const queue = new WebhookQueue(post, { maxQueued: 10, retryDelayMs: 1 });

    const first = await new Promise<DeliveryOutcome>((resolve) => queue.enqueue(payload, resolve));
    const second = await new Promise<DeliveryOutcome>((resolve) => queue.enqueue(payload, resolve));

    expect([first, second, posts]).toEqual([{ outcome: 'failed', status: 503, error: 'http_status' }, { outcome: 'failed', status: 400, error: 'http_status' }, 3]);
  });

  it('drops what is past its bound instead of holding it', async () => {
    let release!: () => void;
    const post: PostAlert = () => new Promise((resolve) => (release = () => resolve({ outcome: 'delivered', status: 200 })));
    const queue = new WebhookQueue(post, { maxQueued: 2, retryDelayMs: 1 });
    const outcomes: string[] = [];
    for (let i = 0; i < 5; i++) queue.enqueue(payload, (o) => outcomes.push(o.outcome));

    // One is being sent, two wait, two were dropped.
    expect(outcomes).toEqual(['dropped', 'dropped']);
    expect(queue.queued).toBe(2);
    release();
  });
});
