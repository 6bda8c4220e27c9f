import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a webhook got: the JSON body of each POST. */
export interface WebhookReceiver {
  /** The URL to give ALERT_WEBHOOK_URL; its path stands for the token a real webhook URL holds. */
  url: string;
  /** The secret part of the URL, which must never appear anywhere else. */
  secret: string;
  received: Array<Record<string, unknown>>;
  /** The status the next POSTs are answered with (default 200). */
  status: number;
  /** Resolves with the first alert of this kind (and subject), polling against a deadline. */
  waitFor(kind: string, subject?: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

/** A local HTTP server standing in for Slack's incoming webhook. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const secret = 'T0000/B0000/webhook-secret-token-xyz';
  const received: Array<Record<string, unknown>> = [];
  const receiver = { status: 200 } as WebhookReceiver;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === `/services/${secret}`) received.push(JSON.parse(body) as Record<string, unknown>);
      res.writeHead(req.url === `/services/${secret}` ? receiver.status : 404, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/${secret}`,
    secret,
    received,
    async waitFor(kind: string, subject?: string, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = received.find((alert) => alert.kind === kind && (subject === undefined || alert.subject === subject));
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no ${kind} alert${subject ? ` about ${subject}` : ''} reached the webhook; got ${JSON.stringify(received.map((a) => [a.kind, a.subject]))}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
