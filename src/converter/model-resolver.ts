/**
 * Client model names → Kiro model ids (kiro-protocol.md §2.5 #10, §4.3). Kiro wants dotted ids
 * (`claude-sonnet-4.5`); clients send dated (`claude-sonnet-4-5-20250929`), hyphenated, `[1m]`
 * suffixed or aliased names. Unknown names pass through for Kiro to judge.
 */
export interface ResolvedModel {
  /** What the client asked for; echoed in every reply. */
  requested: string;
  kiroModelId: string;
  /** Opus models answer slowly: their timeouts get SLOW_MODEL_TIMEOUT_MULTIPLIER. */
  slow: boolean;
}

const ALIASES: Record<string, string> = {
  'auto-kiro': 'auto',
  'claude-sonnet-4-20250514': 'claude-sonnet-4',
  'claude-4-sonnet': 'claude-sonnet-4',
  'claude-4-opus': 'claude-opus-4',
};

export function resolveModel(requested: string): ResolvedModel {
  const kiroModelId = normalise(requested);
  return { requested, kiroModelId, slow: /opus/i.test(kiroModelId) };
}

function normalise(name: string): string {
  let id = name.trim().replace(/\[1m\]$/i, '');
  // Legacy upper-case ids (CLAUDE_SONNET_4_20250514_V1_0) are Kiro's own: pass them as they are.
  if (/^CLAUDE_[A-Z0-9_]+_V1_0$/.test(id)) return id;
  id = id.toLowerCase();
  if (ALIASES[id]) return ALIASES[id];
  id = id.replace(/-(\d{8}|latest)$/, '');
  if (ALIASES[id]) return ALIASES[id];
  // claude-sonnet-4-5 → claude-sonnet-4.5 ; claude-3-7-sonnet → claude-3.7-sonnet
  id = id.replace(/^(claude-(?:sonnet|opus|haiku)-\d+)-(\d+)$/, '$1.$2');
  id = id.replace(/^claude-(\d+)-(\d+)-(sonnet|opus|haiku)$/, 'claude-$1.$2-$3');
  // claude-4.5-opus-high (Cursor-style) → claude-opus-4.5
  id = id.replace(/^claude-([4-9](?:\.\d+)?)-(sonnet|opus|haiku)(?:-(?:high|low|medium|thinking))?$/, 'claude-$2-$1');
  return id;
}
