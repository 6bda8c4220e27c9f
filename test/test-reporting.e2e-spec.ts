import { join } from 'node:path';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { skippedAgentsLine } = require('./support/skipped-agents-reporter') as {
  skippedAgentsLine: (run: { rootDir: string; testResults: Array<{ testFilePath: string; numPassingTests: number; numFailingTests: number; numPendingTests: number }> }) => string | undefined;
};

/** What `npm test` says at its end about the agent specs (test/agents). */
describe('the skipped agent specs line', () => {
  const rootDir = join(__dirname, '..');
  const file = (path: string, counts: { passed?: number; failed?: number; pending?: number }) => ({
    testFilePath: join(rootDir, path),
    numPassingTests: counts.passed ?? 0,
    numFailingTests: counts.failed ?? 0,
    numPendingTests: counts.pending ?? 0,
  });

  it('names the install script when agent spec files were skipped whole', () => {
    const line = skippedAgentsLine({ rootDir, testResults: [file('test/agents/codex.e2e-spec.ts', { pending: 4 }), file('test/agents/opencode.e2e-spec.ts', { pending: 2 }), file('test/demo.e2e-spec.ts', { passed: 5 })] });

    expect(line).toBe('Skipped 2 agent spec file(s) (Claude Code, Codex, OpenCode, the Python SDKs): not installed. Run bash test/agents/install.sh, then npm test again.');
  });

  it('says nothing when the agents ran, or a single test was skipped on purpose', () => {
    expect(skippedAgentsLine({ rootDir, testResults: [file('test/agents/codex.e2e-spec.ts', { passed: 4 })] })).toBeUndefined();
    expect(skippedAgentsLine({ rootDir, testResults: [file('test/agents/codex.e2e-spec.ts', { passed: 3, pending: 1 })] })).toBeUndefined();
    expect(skippedAgentsLine({ rootDir, testResults: [file('test/demo.e2e-spec.ts', { pending: 1 })] })).toBeUndefined();
  });
});
