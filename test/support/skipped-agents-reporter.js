// @ts-check
/**
 * A jest reporter that ends a run in which the agent specs (test/agents) were skipped with one
 * line saying why and how to run them: without it, `npm test` skips them without a word.
 */
const { relative, sep } = require('node:path');

const AGENTS_DIR = `test${sep}agents${sep}`;

/**
 * The line to print, or undefined when no agent spec was skipped.
 * @param {{ rootDir: string; testResults: ReadonlyArray<{ testFilePath: string; numPassingTests: number; numFailingTests: number; numPendingTests: number }> }} run
 * @returns {string | undefined}
 */
function skippedAgentsLine(run) {
  const skipped = run.testResults.filter(
    (file) => relative(run.rootDir, file.testFilePath).startsWith(AGENTS_DIR) && file.numPendingTests > 0 && file.numPassingTests + file.numFailingTests === 0,
  );
  if (skipped.length === 0) return undefined;
  return `Skipped ${skipped.length} agent spec file(s) (Claude Code, Codex, OpenCode, the Python SDKs): not installed. Run bash test/agents/install.sh, then npm test again.`;
}

class SkippedAgentsReporter {
  /** @param {{ rootDir: string }} globalConfig */
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }

  /**
   * @param {unknown} _contexts
   * @param {{ testResults: ReadonlyArray<{ testFilePath: string; numPassingTests: number; numFailingTests: number; numPendingTests: number }> }} results
   */
  onRunComplete(_contexts, results) {
    const line = skippedAgentsLine({ rootDir: this.rootDir, testResults: results.testResults });
    if (line) process.stderr.write(`\n${line}\n`);
  }
}

module.exports = SkippedAgentsReporter;
module.exports.skippedAgentsLine = skippedAgentsLine;
