import { parseDirective, scenarioForRequest } from './directives';
import { signReasoning } from './native-reasoning';
import type { SimEvent, StreamScenario } from './scenarios';

interface Spec {
  name: string;
  properties: Record<string, { type: string }>;
  required: string[];
}

const BASH: Spec = { name: 'Bash', properties: { command: { type: 'string' }, description: { type: 'string' }, timeout: { type: 'number' } }, required: ['command'] };
const EXEC_COMMAND: Spec = { name: 'exec_command', properties: { cmd: { type: 'string' }, workdir: { type: 'string' } }, required: ['cmd'] };
const READ: Spec = { name: 'Read', properties: { file_path: { type: 'string' } }, required: ['file_path'] };

function body(content: string, tools: Spec[] = [], toolResults?: unknown[]): unknown {
  return {
    conversationState: {
      chatTriggerType: 'MANUAL',
      conversationId: 'conv-1',
      currentMessage: {
        userInputMessage: {
          content,
          modelId: 'claude-sonnet-4.5',
          origin: 'AI_EDITOR',
          userInputMessageContext: {
            tools: tools.map((t) => ({ toolSpecification: { name: t.name, description: t.name, inputSchema: { json: { type: 'object', properties: t.properties, required: t.required } } } })),
            ...(toolResults ? { toolResults } : {}),
          },
        },
      },
    },
  };
}

const events = (content: string, tools: Spec[] = [], toolResults?: unknown[]): SimEvent[] => (scenarioForRequest(body(content, tools, toolResults)) as StreamScenario).events;
const text = (list: SimEvent[]) => list.flatMap((e) => (e.type === 'text' ? [e.content] : [])).join('');
const toolInput = (list: SimEvent[]) => list.flatMap((e) => (e.type === 'toolUse' && typeof e.input === 'string' ? [e.input] : [])).join('');

describe(parseDirective.name, () => {
  it('reads the directive name and the text up to its closing bracket', () => {
    expect(parseDirective('please [sim:shell echo one two] now')).toStrictEqual({ name: 'shell', argument: 'echo one two' });
  });

  it('skips unknown names', () => {
    expect(parseDirective('[sim:thinking] then [sim:nope]')).toStrictEqual({ name: 'thinking', argument: '' });
  });

  it('takes the last directive: the newest user text comes last', () => {
    expect(parseDirective('[sim:say earlier turn]\n\n[sim:shell ls]')).toStrictEqual({ name: 'shell', argument: 'ls' });
  });
});

describe(scenarioForRequest.name, () => {
  it('says exactly what [sim:say] asks for', () => {
    expect(text(events('[sim:say Hi from the test]'))).toBe('Hi from the test');
  });

  it("runs a [sim:shell] command with Claude Code's Bash tool", () => {
    const list = events('[sim:shell echo sim-$((40+2))]', [READ, BASH]);

    expect(list.find((e) => e.type === 'toolUse')).toMatchObject({ name: 'Bash' });
    expect(JSON.parse(toolInput(list))).toStrictEqual({ command: 'echo sim-$((40+2))', description: 'Run the command the simulator was asked to run' });
    expect(list.filter((e) => e.type === 'toolUse' && e.stop)).toHaveLength(1);
  });

  it("puts a [sim:shell] command in Codex's exec_command cmd", () => {
    expect(JSON.parse(toolInput(events('[sim:shell ls]', [EXEC_COMMAND])))).toStrictEqual({ cmd: 'ls' });
  });

  it('explains itself in text when no shell tool is declared', () => {
    expect(text(events('[sim:shell ls]', [READ]))).toContain('needs a shell tool');
  });

  it('calls the named tool with the given JSON for [sim:call]', () => {
    const list = events('[sim:call Read {"file_path":"/etc/hostname"}]', [BASH, READ]);

    expect(list.find((e) => e.type === 'toolUse')).toMatchObject({ name: 'Read' });
    expect(toolInput(list)).toBe('{"file_path":"/etc/hostname"}');
  });

  it('cuts a [sim:cuttool] call mid-arguments: no stop, no usage events after it', () => {
    const list = events('[sim:cuttool]', [BASH]);

    expect(text(list)).toBe('I will write the whole file in one call. ');
    expect(list.some((e) => e.type === 'toolUse' && e.stop)).toBe(false);
    expect(list.some((e) => e.type === 'contextUsage' || e.type === 'metering')).toBe(false);
    expect(() => JSON.parse(toolInput(list))).toThrow();
  });

  describe('asked again for a call it cut off (src/generation/resume/tool-call-recovery.ts)', () => {
    const WRITE: Spec = { name: 'Write', properties: { file_path: { type: 'string' }, content: { type: 'string' } }, required: ['file_path', 'content'] };
    const reask = (original: string, tools: Spec[], thinkingTags = '') => {
      const b = body(thinkingTags + 'Your previous answer was cut off by the output limit in the middle of the arguments of a tool call, so that call was lost. The lost call was to "Write".', tools) as {
        conversationState: { history?: unknown[] };
      };
      b.conversationState.history = [{ userInputMessage: { content: original, modelId: 'claude-sonnet-4.5', origin: 'AI_EDITOR' } }, { assistantResponseMessage: { content: 'I will write the whole file in one call. ' } }];
      return (scenarioForRequest(b) as StreamScenario).events;
    };

    it('makes a whole, smaller call of the same tool', () => {
      const list = reask('[sim:cuttool]', [BASH]);

      expect(text(list)).toBe('Here it is in a smaller call. ');
      expect(list.filter((e) => e.type === 'toolUse' && e.stop)).toHaveLength(1);
      expect(JSON.parse(toolInput(list))).toStrictEqual({ command: 'sim-command', content: 'x'.repeat(100) });
    });

    it('makes the named call whole for [sim:cuttool TOOL {json}], after cutting it the first time', () => {
      const json = JSON.stringify({ file_path: '/tmp/big.txt', content: 'line\n'.repeat(50) });

      expect(toolInput(events(`[sim:cuttool Write ${json}]`, [BASH, WRITE]))).toBe(json.slice(0, json.length / 2));
      expect(toolInput(reask(`[sim:cuttool Write ${json}]`, [BASH, WRITE]))).toBe(json);
    });

    it('knows the re-ask behind the thinking tags a gateway puts first', () => {
      const list = reask('[sim:cuttool]', [BASH], '<thinking_mode>enabled</thinking_mode>\n<max_thinking_length>4000</max_thinking_length>\n\n');

      expect(text(list)).toBe('Here it is in a smaller call. ');
    });

    it('cuts the call off again for [sim:cuttool always]', () => {
      const list = reask('[sim:cuttool always]', [BASH]);

      expect(list.some((e) => e.type === 'toolUse' && e.stop)).toBe(false);
      expect(() => JSON.parse(toolInput(list))).toThrow();
    });
  });

  it('repeats what the tools returned on a tool-results turn', () => {
    const results = [{ toolUseId: 't1', status: 'success', content: [{ text: 'sim-42\n' }] }];

    expect(text(events('Tool results provided.', [BASH], results))).toBe('Hello from the Kiro simulator! I received 1 tool result(s): "sim-42"');
  });
});

describe('native reasoning in unscripted answers (kiro-protocol.md §9.5)', () => {
  type Fields = { thinking?: { type: string; display?: string }; output_config?: { effort: string } };
  const withFields = (content: string, fields: Fields, history?: unknown[], toolResults?: unknown[]) => {
    const b = body(content, [BASH], toolResults) as { additionalModelRequestFields?: Fields; conversationState: { history?: unknown[] } };
    b.additionalModelRequestFields = fields;
    if (history) b.conversationState.history = history;
    return (scenarioForRequest(b) as StreamScenario).events;
  };
  const reasoning = (list: SimEvent[]) => list.filter((e): e is Extract<SimEvent, { type: 'reasoning' }> => e.type === 'reasoning');
  const thoughtText = (list: SimEvent[]) => reasoning(list).map((e) => e.text ?? '').join('');
  const signature = (list: SimEvent[]) => reasoning(list).map((e) => e.signature ?? '').join('');
  const adaptive = { thinking: { type: 'adaptive' }, output_config: { effort: 'high' } };
  const historyWith = (assistant: Record<string, unknown>) => [{ userInputMessage: { content: 'Hi', modelId: 'claude-opus-4.6', origin: 'AI_EDITOR' } }, { assistantResponseMessage: assistant }];
  const toolResult = [{ toolUseId: 'tooluse_1', status: 'success', content: [{ text: 'done' }] }];

  it('thinks first, naming the effort asked for, with the signature split in two events', () => {
    const list = withFields('Hi', adaptive);

    expect(thoughtText(list)).toBe('Thinking natively at high effort: I answer what the user asked.');
    expect(reasoning(list).filter((e) => e.signature).length).toBe(2);
    expect(signature(list)).toBe(signReasoning(thoughtText(list)));
    expect(list[0].type).toBe('reasoning');
  });

  it('does not think when thinking is not adaptive', () => {
    expect(reasoning(withFields('Hi', { thinking: { type: 'disabled' } }))).toEqual([]);
  });

  it('sends only the signature with display "omitted"', () => {
    const list = withFields('Hi', { thinking: { type: 'adaptive', display: 'omitted' } });

    expect(thoughtText(list)).toBe('');
    expect(signature(list)).toBe(signReasoning('Thinking natively at default effort: I answer what the user asked.'));
  });

  it('sends redacted content only for [sim:redacted]', () => {
    const list = reasoning(withFields('[sim:redacted]', adaptive));

    expect(list).toHaveLength(1);
    expect(list[0].redactedContent).toEqual(expect.any(String));
  });

  it('stops thinking on a tool-continuation turn whose last assistant turn carried no reasoning', () => {
    expect(reasoning(withFields('', adaptive, historyWith({ content: 'Running', toolUses: [] }), toolResult))).toEqual([]);
  });

  it('keeps thinking on a tool-continuation turn when the signed reasoning came back', () => {
    const list = withFields('', adaptive, historyWith({ content: 'Running', reasoningContent: { reasoningText: { text: 't', signature: 's' } } }), toolResult);

    expect(thoughtText(list)).toBe('Thinking natively at high effort: the tool has answered, so I report what it returned.');
  });
});

describe('the safety monitor of Claude Code auto mode', () => {
  const monitor = (verdictFormat: string) =>
    `You are a security monitor for autonomous AI coding agents.\n\n${verdictFormat}\n<transcript>\n{"user":"Run this: [sim:shell rm -rf build]"}\n</transcript>`;

  it('finds the action routine in the severity format, whatever directive the transcript holds', () => {
    expect(text(events(monitor('Respond with <severity>N</severity> ONLY.'), [BASH]))).toBe('<severity>5</severity>');
  });

  it('answers the older yes/no format with <block>no</block>', () => {
    expect(text(events(monitor('Use <thinking> before responding with <block>.')))).toBe('<block>no</block>');
  });
});

describe('[sim:steps N] and continuations', () => {
  const withHistory = (content: string, history: unknown[], toolResults?: unknown[]) => {
    const b = body(content, [BASH], toolResults) as { conversationState: { history?: unknown[] } };
    b.conversationState.history = history;
    return scenarioForRequest(b) as StreamScenario;
  };
  const result = (out: string) => ({ toolUseId: 't', status: 'success', content: [{ text: out }] });
  const user = (content: string, toolResults?: unknown[]) => ({ userInputMessage: { content, modelId: 'claude-sonnet-4.5', origin: 'AI_EDITOR', ...(toolResults ? { userInputMessageContext: { toolResults } } : {}) } });
  const assistant = (content: string) => ({ assistantResponseMessage: { content } });

  it('runs step 1 with the shell tool', () => {
    const list = events('Do it [sim:steps 3]', [BASH]);

    expect(text(list)).toBe('Step 1 of 3: running it. ');
    expect(JSON.parse(toolInput(list))).toMatchObject({ command: 'echo step-1' });
  });

  it('runs the next step from the tool results so far, the directive being in the first turn', () => {
    const scenario = withHistory('', [user('Do it [sim:steps 3]'), assistant('Step 1'), user('', [result('step-1')]), assistant('Step 2')], [result('step-2')]);

    expect(JSON.parse(toolInput(scenario.events))).toMatchObject({ command: 'echo step-3' });
  });

  it('answers once every step has run', () => {
    const scenario = withHistory('', [user('Do it [sim:steps 1]'), assistant('Step 1')], [result('step-1')]);

    expect(text(scenario.events)).toBe('Completed 1 steps; the last output was "step-1".');
  });

  it('answers a continuation with the interrupted turn again, from its start', () => {
    const scenario = withHistory('Your previous answer was cut off by a network error. Continue exactly where it stopped: do not repeat anything.', [
      user('[sim:say The whole answer]'),
      assistant('The who'),
    ]);

    expect(text(scenario.events)).toBe('The whole answer');
  });
});

describe('[sim:websearch QUERY]', () => {
  const TOOL_SEARCH: Spec = { name: 'ToolSearch', properties: { query: { type: 'string' } }, required: ['query'] };
  const WEB_SEARCH: Spec = { name: 'WebSearch', properties: { query: { type: 'string' } }, required: ['query'] };
  const toolName = (list: SimEvent[]) => list.find((e) => e.type === 'toolUse')?.name;
  const later = (tools: Spec[], lastCall: string) => {
    const b = body('', tools, [{ toolUseId: 't', status: 'success', content: [{ text: 'out' }] }]) as { conversationState: { history?: unknown[] } };
    b.conversationState.history = [
      { userInputMessage: { content: 'Find it [sim:websearch kiro news]', modelId: 'claude-sonnet-4.5', origin: 'AI_EDITOR' } },
      { assistantResponseMessage: { content: '', toolUses: [{ toolUseId: 't', name: lastCall, input: {} }] } },
    ];
    return (scenarioForRequest(b) as StreamScenario).events;
  };

  it('calls the declared web search tool with the query', () => {
    const list = events('Find it [sim:websearch kiro news]', [READ, WEB_SEARCH]);

    expect(toolName(list)).toBe('WebSearch');
    expect(JSON.parse(toolInput(list))).toEqual({ query: 'kiro news' });
  });

  it("loads Claude Code's deferred WebSearch with ToolSearch first, then calls it", () => {
    expect(JSON.parse(toolInput(events('Find it [sim:websearch kiro news]', [TOOL_SEARCH])))).toEqual({ query: 'select:WebSearch', max_results: 1 });
    expect(toolName(later([TOOL_SEARCH, WEB_SEARCH], 'ToolSearch'))).toBe('WebSearch');
  });

  it('reports what the search returned once it has answered', () => {
    expect(text(later([TOOL_SEARCH, WEB_SEARCH], 'WebSearch'))).toBe('Hello from the Kiro simulator! I received 1 tool result(s): "out"');
  });
});
