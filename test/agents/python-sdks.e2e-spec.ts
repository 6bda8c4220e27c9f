import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PROXY_KEY } from '../support/gateway-harness';
import { describeInstalled, installed, kiroCalls, readmeBlock, runAgent, useAgentSession, venvPython } from './agent-support';

/** The official Python SDKs (test/agents/requirements.txt) running the README's Python examples as they are. */
describeInstalled('the README Python examples with the openai and anthropic SDKs (e2e)', installed(venvPython), () => {
  jest.setTimeout(60_000);
  const session = useAgentSession();

  it.each([
    ['### OpenAI SDK (Python)', 'example.py'],
    ['### Anthropic SDK (Python)', 'example_anthropic.py'],
  ])('runs the example under "%s"', async (heading, file) => {
    const script = join(session.home.cwd, file);
    await writeFile(script, readmeBlock(heading, 'python', session.h.url));

    const run = await runAgent(venvPython, [script], { home: session.home, env: { PROXY_API_KEY: PROXY_KEY } });

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('Hello from the Kiro simulator! You said: "Hello!"\n');
  });

  it('parses structured output into the Pydantic model of the README example', async () => {
    const script = join(session.home.cwd, 'example_structured.py');
    await writeFile(script, readmeBlock('### Structured output (JSON)', 'python', session.h.url));

    const run = await runAgent(venvPython, [script], { home: session.home, env: { PROXY_API_KEY: PROXY_KEY } });

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    // The simulator answers the schema it was asked for, as a model following the instruction would.
    expect(run.stdout).toBe("name='example' country='example' population=1\n");
    expect(kiroCalls(session.h).at(-1)?.content).toContain('"population":{"title":"Population","type":"integer"}');
  });
});
