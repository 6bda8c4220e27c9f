import { answerMcp, MCP_THROTTLED, sampleResults, SEARCH_NOT_IN_PLAN, type SearchScenario } from './web-search';

const ID = 'web_search_tooluse_abcdefghijABCDEFGHIJ12_1764600000000_abcd1234';
const ARN = 'arn:aws:codewhisperer:us-east-1:699475941385:profile/EHGA3GRVQMUK';

function search(query: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id: ID, jsonrpc: '2.0', method: 'tools/call', params: { name: 'web_search', arguments: { query } }, profileArn: ARN, ...extra };
}

const rpcError = (code: number, message: string, id: unknown = ID) => ({ jsonrpc: '2.0', id, error: { code, message } });

describe('answerMcp', () => {
  it('answers a search with the results as a JSON string inside the MCP text content', () => {
    const answer = answerMcp(search('kiro gateway'), { webSearch: true });

    expect(answer.status).toBe(200);
    expect(answer.query).toBe('kiro gateway');
    const body = answer.body as { jsonrpc: string; id: string; result: { content: { type: string; text: string }[]; isError: boolean } };
    expect(body).toMatchObject({ jsonrpc: '2.0', id: ID, result: { isError: false } });
    expect(body.result.content).toHaveLength(1);
    const payload = JSON.parse(body.result.content[0].text);
    expect(payload).toMatchObject({ totalResults: 3, query: 'kiro gateway', error: null });
    expect(payload.results[0]).toEqual({ ...sampleResults('kiro gateway')[0], id: 'sim-result-1', domain: 'example.com', maxVerbatimWordLimit: 30, publicDomain: false });
  });

  it('answers the scripted results, taking one scripted answer per valid search', () => {
    const scripted: SearchScenario[] = [{ kind: 'results', results: [{ title: 'T', url: 'https://docs.example.org/a', snippet: 'S' }] }];
    const answer = answerMcp(search('q'), { webSearch: true, scripted: () => scripted.shift() });

    const text = (answer.body as { result: { content: { text: string }[] } }).result.content[0].text;
    expect(JSON.parse(text).results).toEqual([{ title: 'T', url: 'https://docs.example.org/a', snippet: 'S', id: 'sim-result-1', domain: 'docs.example.org', maxVerbatimWordLimit: 30, publicDomain: false }]);
    expect(scripted).toHaveLength(0);
  });

  it('answers "no results" as JSON-RPC error -32602', () => {
    expect(answerMcp(search('q'), { webSearch: true, scripted: () => ({ kind: 'no-results' }) })).toEqual({
      status: 200,
      body: rpcError(-32602, 'Tool returned no results'),
      query: 'q',
    });
  });

  it('throttles with an HTTP 429', () => {
    expect(answerMcp(search('q'), { webSearch: true, scripted: () => ({ kind: 'throttled' }) })).toEqual({ status: 429, body: MCP_THROTTLED, query: 'q' });
  });

  it('refuses a body without a root-level profileArn with the runtime host\'s 400', () => {
    const { profileArn: _omitted, ...body } = search('q');
    expect(answerMcp(body, { webSearch: true })).toMatchObject({ status: 400, body: { message: 'profileArn is required for this request.', reason: null } });
  });

  it('answers a plan without web search with a 403', () => {
    expect(answerMcp(search('q'), { webSearch: false })).toMatchObject({ status: 403, body: SEARCH_NOT_IN_PLAN });
  });

  it.each([
    ['a body that is not an object', [1, 2], 400],
    ['no jsonrpc version', { ...search('q'), jsonrpc: '1.0' }, 200],
    ['no id', { ...search('q'), id: undefined }, 200],
  ])('refuses %s', (_what, body, status) => {
    const answer = answerMcp(body, { webSearch: true });
    expect(answer.status).toBe(status);
    expect(answer.violation).toBeDefined();
    expect(answer.query).toBeUndefined();
  });

  it('answers JSON-RPC errors for another method, another tool, a bad query or a malformed id, and consumes no scripted answer', () => {
    const scripted = () => {
      throw new Error('consumed');
    };
    expect(answerMcp(search('q', { method: 'tools/list' }), { webSearch: true, scripted }).body).toEqual(rpcError(-32601, 'Method not found: tools/list'));
    expect(answerMcp(search('q', { params: { name: 'fetch', arguments: { query: 'q' } } }), { webSearch: true, scripted }).body).toEqual(rpcError(-32602, 'Unknown tool'));
    for (const query of ['', '   ', 42, 'x'.repeat(2_001)]) {
      expect(answerMcp(search(query), { webSearch: true, scripted }).body).toEqual(rpcError(-32602, 'Invalid params: query must be a non-empty string'));
    }
    expect(answerMcp(search('q', { id: 'req-1' }), { webSearch: true, scripted }).body).toEqual(rpcError(-32600, 'Invalid Request', 'req-1'));
  });
});
