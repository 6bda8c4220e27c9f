import { UpstreamError } from '../../common/errors';
import { MAX_QUERY_CHARS, mcpSearchBody, parseMcpSearchAnswer, searchQuery } from './mcp-search';

const answerWith = (payload: unknown) => JSON.stringify({ jsonrpc: '2.0', id: 'x', result: { content: [{ type: 'text', text: JSON.stringify(payload) }], isError: false } });

describe('mcpSearchBody', () => {
  it('is a JSON-RPC tools/call of web_search with an id in Kiro\'s format and the profile ARN at the root', () => {
    const body = JSON.parse(mcpSearchBody('kiro', 'arn:aws:codewhisperer:us-east-1:1:profile/P', 1764600000000));

    expect(body).toEqual({
      id: expect.stringMatching(/^web_search_tooluse_[A-Za-z0-9]{22}_1764600000000_[A-Za-z0-9]{8}$/),
      jsonrpc: '2.0',
      method: 'tools/call',
      params: { name: 'web_search', arguments: { query: 'kiro' } },
      profileArn: 'arn:aws:codewhisperer:us-east-1:1:profile/P',
    });
  });
});

describe('searchQuery', () => {
  it('folds whitespace and cuts a long query on a code point', () => {
    expect(searchQuery('  a \n\t b ')).toBe('a b');
    expect(Array.from(searchQuery('😀'.repeat(MAX_QUERY_CHARS + 5)))).toHaveLength(MAX_QUERY_CHARS);
  });

  it('reads only the start of a huge query', () => {
    expect(searchQuery(`${'word '.repeat(2_000_000)}end`)).toBe('word '.repeat(MAX_QUERY_CHARS / 5).trim());
  });
});

describe('parseMcpSearchAnswer', () => {
  it('reads the hits from the JSON string inside the MCP text content', () => {
    const text = answerWith({
      results: [{ title: 'Kiro', url: 'https://kiro.dev/', snippet: 'An IDE', publishedDate: 1764547200000, id: 'r1', domain: 'kiro.dev' }],
      totalResults: 1,
      query: 'kiro',
      error: null,
    });

    expect(parseMcpSearchAnswer(text)).toEqual([{ title: 'Kiro', url: 'https://kiro.dev/', snippet: 'An IDE', publishedAt: 1764547200000 }]);
  });

  it('reads "Tool returned no results" (-32602) as no hits', () => {
    expect(parseMcpSearchAnswer(JSON.stringify({ jsonrpc: '2.0', id: 'x', error: { code: -32602, message: 'Tool returned no results' } }))).toEqual([]);
  });

  it('keeps only hits with an http(s) URL, at most 10, with bounded fields', () => {
    const many = Array.from({ length: 30 }, (_, i) => ({ title: 't'.repeat(1_000), url: `https://e.com/${i}`, snippet: 's'.repeat(5_000) }));
    const hits = parseMcpSearchAnswer(answerWith({ results: [{ url: 'javascript:alert(1)' }, { title: 'no url' }, ...many] }));

    expect(hits).toHaveLength(10);
    expect(hits[0]).toEqual({ title: 't'.repeat(300), url: 'https://e.com/0', snippet: 's'.repeat(1_000) });
  });

  it.each([
    ['another JSON-RPC error', JSON.stringify({ jsonrpc: '2.0', id: 'x', error: { code: -32600, message: 'Invalid Request' } })],
    ['isError', JSON.stringify({ jsonrpc: '2.0', id: 'x', result: { content: [{ type: 'text', text: 'boom' }], isError: true } })],
    ['a body that is not JSON', '<html>'],
    ['a result without text', JSON.stringify({ jsonrpc: '2.0', id: 'x', result: { content: [] } })],
  ])('fails on %s', (_what, text) => {
    expect(() => parseMcpSearchAnswer(text)).toThrow(UpstreamError);
  });
});
