import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PROXY_KEY } from '../support/gateway-harness';
import { describeInstalled, installed, readmeBlock, runAgent, useAgentSession } from './agent-support';

const AGENTS_DIR = __dirname;
const frameworksInstalled = installed(join(AGENTS_DIR, 'node_modules', '@langchain', 'openai')) && installed(join(AGENTS_DIR, 'node_modules', 'ai'));
const TOOL_ECHO = 'Hello from the Kiro simulator! I received 1 tool result(s): "sunny in Paris"';
const PERSON = { name: 'example', age: 1, tags: ['example'] };

/**
 * LangChain.js and the Vercel AI SDK (test/agents/package.json): the README's examples as they
 * are, then the tool loops and structured output applications build on them. Scripts are written
 * inside test/agents, where their imports resolve to the pinned packages.
 */
describeInstalled('LangChain.js and the Vercel AI SDK against the gateway (e2e)', frameworksInstalled, () => {
  jest.setTimeout(90_000);
  const session = useAgentSession();
  let scripts: string;
  beforeAll(async () => {
    scripts = await mkdtemp(join(AGENTS_DIR, '.run-'));
  });
  afterAll(() => rm(scripts, { recursive: true, force: true }));

  it.each([
    ['### LangChain', 'langchain.mjs'],
    ['### Vercel AI SDK', 'ai-sdk.mjs'],
  ])('runs the README example under "%s"', async (heading, file) => {
    const script = join(scripts, file);
    await writeFile(script, readmeBlock(heading, 'js', session.h.url));

    const run = await runAgent(process.execPath, [script], { home: session.home, env: { PROXY_API_KEY: PROXY_KEY } });

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Hello from the Kiro simulator! You said: "Hello!"');
    expect(run.stdout).toContain('Hello from the Kiro simulator! You said: "Count to five."\n');
  });

  it('runs tool loops and parses structured output on every route the frameworks speak', async () => {
    const run = await runAgent(process.execPath, [join(AGENTS_DIR, 'frameworks', 'tool-loops.mjs')], {
      home: session.home,
      env: { PROXY_API_KEY: PROXY_KEY, GATEWAY_URL: session.h.url },
    });

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const checks = Object.fromEntries(run.stdout.trim().split('\n').map((line) => {
      const { name, ...rest } = JSON.parse(line) as { name: string };
      return [name, rest];
    }));
    const expected: Record<string, unknown> = {};
    for (const route of ['anthropic', 'responses', 'chat', 'compatible']) {
      expected[`ai-sdk ${route} tool loop`] = { result: { steps: 2, text: TOOL_ECHO } };
      expected[`ai-sdk ${route} streamed tool loop`] = { result: { steps: 2, text: TOOL_ECHO } };
      expected[`ai-sdk ${route} object`] = { result: PERSON };
    }
    for (const route of ['chat', 'responses']) {
      expected[`langchain ${route} tool loop`] = { result: { calls: [{ name: 'weather', args: { city: 'Paris' } }], text: TOOL_ECHO } };
      expected[`langchain ${route} structured`] = { result: PERSON };
    }
    expect(checks).toStrictEqual(expected);
  });
});
