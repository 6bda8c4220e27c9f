import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { anthropicToConversation } from '../../src/converter';
import { buildKiroRequest } from '../../src/converter/kiro/build-kiro-request';

/**
 * A Claude Code turn the size agents really send (≈ 428 KB, 12 tools, 150 tool round trips),
 * built deterministically from the Claude Code 2.1.332 capture in test/fixtures/client-requests
 * (its system blocks, tool definitions, metadata and first user turn, as sent) and the token
 * corpus in test/fixtures/token-corpus (this project's code, its docs' prose, CJK text) for the
 * tool results: `Read` answers numbered source lines, `Bash` answers logs, `Edit` confirms.
 */

const FIXTURES = join(__dirname, '..', '..', 'test', 'fixtures');

export interface AgentTurnOptions {
  roundTrips?: number;
  /** Approximate size of the serialised body, in bytes. */
  targetBytes?: number;
}

type Json = Record<string, unknown>;

export function claudeCodeAgentTurn(options: AgentTurnOptions = {}): Json {
  const roundTrips = options.roundTrips ?? 150;
  const targetBytes = options.targetBytes ?? 428 * 1024;
  const capture = JSON.parse(readFileSync(join(FIXTURES, 'client-requests', 'claude-code-2.1.332-tool-loop.json'), 'utf8')) as Json;
  const corpus = (name: string) => readFileSync(join(FIXTURES, 'token-corpus', `${name}.txt`), 'utf8');
  const code = corpus('code').split('\n');
  const prose = corpus('prose').split('\n');
  const cjk = corpus('cjk').split('\n');

  const firstTurns = (capture.messages as Json[]).slice(0, 2); // the user's request and the environment block
  const base = JSON.stringify({ ...capture, messages: firstTurns }).length;
  const perTrip = Math.max(200, Math.floor((targetBytes - base) / roundTrips) - 510); // ~510 bytes of call and wrapping
  const messages: Json[] = [...firstTurns];
  let codeAt = 0;
  let proseAt = 0;
  let cjkAt = 0;
  const take = (lines: string[], at: number, chars: number, numbered: boolean): { text: string; next: number } => {
    const out: string[] = [];
    let size = 0;
    let i = at;
    while (size < chars) {
      const line = lines[i % lines.length];
      const shown = numbered ? `${String((i % lines.length) + 1).padStart(6)}\t${line}` : line;
      out.push(shown);
      size += shown.length + 1;
      i++;
    }
    return { text: out.join('\n'), next: i };
  };

  for (let trip = 0; trip < roundTrips; trip++) {
    const id = `toolu_bench${String(trip).padStart(4, '0')}${'x'.repeat(12)}`;
    const kind = trip % 10 === 9 ? 'Edit' : trip % 3 === 2 ? 'Bash' : 'Read';
    let input: Json;
    let result: string;
    if (kind === 'Read') {
      const { text, next } = take(code, codeAt, perTrip, true);
      codeAt = next;
      input = { file_path: `/home/user/project/src/module-${trip}.ts`, offset: codeAt % 400, limit: 80 };
      result = text;
    } else if (kind === 'Bash') {
      const useCjk = trip % 12 === 5;
      const { text, next } = useCjk ? take(cjk, cjkAt, perTrip, false) : take(prose, proseAt, perTrip, false);
      if (useCjk) cjkAt = next;
      else proseAt = next;
      input = { command: `npm test -- --testPathPattern=module-${trip}`, description: 'Run the tests of the module just changed' };
      result = text;
    } else {
      input = { file_path: `/home/user/project/src/module-${trip}.ts`, old_string: code[trip % code.length], new_string: `${code[trip % code.length]} // checked`, replace_all: false };
      result = `The file /home/user/project/src/module-${trip}.ts has been updated. Here's the result of running \`cat -n\` on a snippet of the edited file:\n${take(code, codeAt, perTrip / 4, true).text}`;
    }
    messages.push({
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: `Step ${trip + 1}: the next thing to check is module ${trip}; ${kind} shows it.`, signature: `sig${trip}`.padEnd(64, 'A') },
        { type: 'text', text: `Checking module ${trip}.` },
        { type: 'tool_use', id, name: kind, input },
      ],
    });
    messages.push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content: result, is_error: false }] });
  }
  return { ...capture, messages, stream: true };
}

/** The same turn for count_tokens: what Claude Code sends there (model, system, tools, messages). */
export function countTokensBody(turn: Json): Json {
  return { model: turn.model, system: turn.system, tools: turn.tools, messages: turn.messages };
}

/**
 * What the gateway sends Kiro for `turn`, built by the gateway's own converter once, here: the
 * direct path posts it, so that both paths carry a body of the same size to the simulator.
 */
export function kiroBodyFor(turn: Json): unknown {
  const { conversation } = anthropicToConversation(turn as never);
  return buildKiroRequest(conversation, { modelId: String(turn.model), conversationId: randomUUID(), toolDescriptionMaxLength: 10_000 }).body;
}
