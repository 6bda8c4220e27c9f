import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PROXY_KEY, type Harness, startHarness } from '../support/gateway-harness';
import { type AgentHome, describeInstalled, installed, readmeBlock, runAgent, throwAwayHome, venvPython } from './agent-support';

/** The official Python SDKs (test/agents/requirements.txt) running the README's Python examples as they are. */
describeInstalled('the README Python examples with the openai and anthropic SDKs (e2e)', installed(venvPython), () => {
  jest.setTimeout(60_000);
  let h: Harness;
  let home: AgentHome;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    h.sim.reset();
    home = await throwAwayHome();
  });
  afterEach(async () => {
    await home.remove();
    expect(h.sim.stats.rejected).toBe(0);
  });

  it.each([
    ['### OpenAI SDK (Python)', 'example.py'],
    ['### Anthropic SDK (Python)', 'example_anthropic.py'],
  ])('runs the example under "%s"', async (heading, file) => {
    const script = join(home.cwd, file);
    await writeFile(script, readmeBlock(heading, 'python', h.url));

    const run = await runAgent(venvPython, [script], { home, env: { PROXY_API_KEY: PROXY_KEY } });

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('Hello from the Kiro simulator! You said: "Hello!"\n');
  });
});
