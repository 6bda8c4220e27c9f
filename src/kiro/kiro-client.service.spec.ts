import { lastValueFrom, toArray } from 'rxjs';
import { systemClock } from '../common/clock';
import { parseGatewayEnv } from '../config/env.schema';
import { MetricsService } from '../metrics/metrics.service';
import { encodeEvent } from '../../test/simulator';
import { KiroClient } from './kiro-client.service';
import type { KiroRequestBody } from './kiro-request';
import type { KiroHttpRequest, KiroHttpResponse, KiroTransport } from './kiro-transport';

/** Answers every request with one text event, and keeps what was sent. */
class RecordingTransport implements KiroTransport {
  readonly sent: KiroHttpRequest[] = [];

  async send(request: KiroHttpRequest): Promise<KiroHttpResponse> {
    this.sent.push(request);
    const frame = encodeEvent('assistantResponseEvent', { content: 'hi' });
    return {
      status: 200,
      headers: {},
      body: (async function* () {
        yield frame;
      })(),
      text: async () => '',
    };
  }
}

describe(KiroClient.name, () => {
  const body: KiroRequestBody = {
    conversationState: { chatTriggerType: 'MANUAL', conversationId: 'c', currentMessage: { userInputMessage: { content: 'hi', modelId: 'claude-sonnet-4.5', origin: 'AI_EDITOR' } } },
  };
  const session = { getAccessToken: async () => 'token', refreshAfterRejection: async () => 'token', profileArn: undefined, machineId: 'm'.repeat(64) };

  it('sends the payload it is given as it is, instead of serialising the body again', async () => {
    const transport = new RecordingTransport();
    const client = new KiroClient(parseGatewayEnv({ PROXY_API_KEY: 'k'.repeat(20) }), transport, systemClock, new MetricsService());
    const payload = `${JSON.stringify(body)}\n`;

    const stream = await client.generateAssistantResponse(body, { session, signal: new AbortController().signal, slowModel: false, stream: true, payload });
    await lastValueFrom(stream.events$.pipe(toArray()));

    expect(transport.sent.map((request) => request.body)).toEqual([payload]);
  });
});
