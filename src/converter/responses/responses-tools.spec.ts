import { InvalidRequestError } from '../../common/errors';
import { NAMESPACE_DESCRIPTION_MAX_CHARS, responsesTools } from './responses-tools';
import { webSearchToolDefinition } from '../web-search-tool';

const SCHEMA = { type: 'object', properties: { target: { type: 'string' } }, required: ['target'] };

describe(responsesTools.name, () => {
  it('declares each tool of a namespace under <namespace>__<name>, with the namespace described once', () => {
    const { tools, map, namespaceNotes } = responsesTools([
      {
        type: 'namespace',
        name: 'multi_agent_v1',
        description: 'Tools for sub-agents.',
        tools: [
          { type: 'function', name: 'close_agent', description: 'Close an agent.', parameters: SCHEMA },
          { type: 'function', name: 'spawn_agent', description: 'Start an agent.', parameters: SCHEMA },
        ],
      },
    ]);

    expect(tools).toStrictEqual([
      { name: 'multi_agent_v1__close_agent', description: 'Close an agent.', parameters: SCHEMA },
      { name: 'multi_agent_v1__spawn_agent', description: 'Start an agent.', parameters: SCHEMA },
    ]);
    expect(namespaceNotes).toStrictEqual(['## Tool namespace multi_agent_v1\n\nThe tools named multi_agent_v1__*: Tools for sub-agents.']);
    expect(map.lookup('multi_agent_v1__close_agent')).toStrictEqual({ kind: 'function', name: 'close_agent', namespace: 'multi_agent_v1' });
  });

  it('keeps a huge namespace description to one capped copy, however many tools the namespace has', () => {
    const description = 'd'.repeat(2 * 1024 * 1024);
    const inner = Array.from({ length: 400 }, (_, i) => ({ type: 'function', name: `f${i}`, description: `Function ${i}.`, parameters: SCHEMA }));

    const { tools, namespaceNotes } = responsesTools([{ type: 'namespace', name: 'big', description, tools: inner }]);

    expect(tools).toHaveLength(400);
    expect(tools.every((tool, i) => tool.description === `Function ${i}.`)).toBe(true);
    expect(namespaceNotes).toHaveLength(1);
    expect(namespaceNotes[0]).toBe(`## Tool namespace big\n\nThe tools named big__*: ${'d'.repeat(NAMESPACE_DESCRIPTION_MAX_CHARS)}…`);
  });

  it('checks 40,000 tool names for duplicates in linear time', () => {
    const many = Array.from({ length: 40_000 }, (_, i) => ({ type: 'function', name: `tool_${i}`, parameters: SCHEMA }));
    const started = process.hrtime.bigint();

    const { tools } = responsesTools([...many, { type: 'namespace', name: 'ns', tools: many.slice(0, 1) }]);

    // A quadratic check takes seconds here (40k² / 2 comparisons); a set takes milliseconds.
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(1_000);
    expect(tools).toHaveLength(40_001);
    expect(() => responsesTools([...many, many[39_999]])).toThrow('The tool name "tool_39999" is declared twice.');
  });

  it('makes a custom tool a function of one string argument, its grammar in the description', () => {
    const { tools, map } = responsesTools([
      { type: 'custom', name: 'apply_patch', description: 'Edit files.', format: { type: 'grammar', syntax: 'lark', definition: 'start: "*** Begin Patch"' } },
    ]);

    expect(tools).toStrictEqual([
      {
        name: 'apply_patch',
        description: 'Edit files.\n\nPut the tool\'s whole raw input, as one string, in the "input" argument.\n\nThe input must follow this lark grammar:\nstart: "*** Begin Patch"',
        parameters: { type: 'object', properties: { input: { type: 'string', description: 'The complete raw input for this tool, exactly as the tool takes it (not JSON-encoded).' } }, required: ['input'] },
      },
    ]);
    expect(map.lookup('apply_patch')).toStrictEqual({ kind: 'custom', name: 'apply_patch' });
  });

  it("declares Codex's web_search (external_web_access false: indexed results, which is what Kiro's search gives) for the gateway to run", () => {
    const { tools, dropped, webSearch } = responsesTools([{ type: 'web_search', external_web_access: false }, { type: 'function', name: 'exec_command', parameters: SCHEMA }]);

    expect(tools).toStrictEqual([expect.objectContaining({ name: 'exec_command' }), webSearchToolDefinition()]);
    expect(webSearch).toStrictEqual({ toolName: 'web_search' });
    expect(dropped).toStrictEqual([]);
  });

  it('reads the allowed domains of web_search filters, and refuses two web search tools', () => {
    expect(responsesTools([{ type: 'web_search_preview', filters: { allowed_domains: ['openai.com'] } }]).webSearch).toStrictEqual({ toolName: 'web_search', allowedDomains: ['openai.com'] });
    expect(() => responsesTools([{ type: 'web_search' }, { type: 'web_search_preview' }])).toThrow('tools[1]: only one web_search tool may be declared.');
  });

  it('refuses a hosted tool Kiro cannot run, naming it, also inside a namespace', () => {
    expect(() => responsesTools([{ type: 'file_search' }])).toThrow(InvalidRequestError);
    expect(() => responsesTools([{ type: 'namespace', name: 'ns', tools: [{ type: 'web_search' }] }])).toThrow('tools[0].tools[0] has type "web_search"');
  });

  it('refuses a name declared twice, counting namespaced names', () => {
    expect(() =>
      responsesTools([
        { type: 'function', name: 'ns__f', parameters: SCHEMA },
        { type: 'namespace', name: 'ns', tools: [{ type: 'function', name: 'f', parameters: SCHEMA }] },
      ]),
    ).toThrow('The tool name "ns__f" is declared twice.');
  });

  it('treats names it does not know as plain functions', () => {
    expect(responsesTools([]).map.lookup('other')).toStrictEqual({ kind: 'function', name: 'other' });
  });
});
