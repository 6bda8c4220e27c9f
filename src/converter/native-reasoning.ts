import { isJsonObject, type JsonObject } from '../common/json';
import type { ThinkingDisplay, ThinkingRequest } from './conversation';

/**
 * Kiro's native reasoning (kiro-protocol.md §9.5): what a model's catalog entry says it takes in
 * `additionalModelRequestFields`, one effort scale for every client's way of asking, and the
 * fields built from only what that schema allows (Kiro answers 400 to anything else).
 */

/** The gateway's effort scale, lowest first. `xhigh` (GPT) and `max` (Claude) are the same step. */
const EFFORT_RANK: Readonly<Record<string, number>> = { minimal: 0, low: 1, medium: 2, high: 3, max: 4, xhigh: 4 };

/** Where a model takes its effort: Claude models `output_config.effort`, GPT-5.x `reasoning.effort`. */
const EFFORT_PATHS = ['output_config', 'reasoning'] as const;

export interface NativeReasoningSupport {
  /** `thinking.type` values the model takes (Claude: adaptive, disabled); empty for GPT models. */
  thinkingTypes: ReadonlySet<string>;
  /** `thinking.display` values (summarized, omitted). */
  displays: ReadonlySet<string>;
  /** The effort member and the values advertised for it, lowest first. */
  effort?: { path: (typeof EFFORT_PATHS)[number]; values: readonly string[] };
}

/** What the model's `additionalModelRequestFieldsSchema` allows; undefined when the model has no native reasoning. */
export function nativeReasoningSupport(schema: unknown): NativeReasoningSupport | undefined {
  if (!isJsonObject(schema)) return undefined;
  const properties = propertiesOf(schema);
  const thinking = propertiesOf(properties.thinking);
  const support: NativeReasoningSupport = { thinkingTypes: new Set(enumOf(thinking.type)), displays: new Set(enumOf(thinking.display)) };
  for (const path of EFFORT_PATHS) {
    const values = enumOf(propertiesOf(properties[path]).effort).filter((value) => value in EFFORT_RANK);
    if (values.length > 0) {
      support.effort = { path, values: values.sort((a, b) => EFFORT_RANK[a] - EFFORT_RANK[b]) };
      break;
    }
  }
  return support.thinkingTypes.has('adaptive') || support.effort ? support : undefined;
}

/** How much to think on the gateway's scale, or `off`. */
export type EffortStep = 'off' | 'low' | 'medium' | 'high' | 'max';

/** Anthropic budgets become efforts (§9.5: Kiro takes no `budget_tokens`): ≤4k low, ≤16k medium, ≤64k high, else max. */
export function effortForBudget(tokens: number): Exclude<EffortStep, 'off'> {
  if (tokens <= 4_096) return 'low';
  if (tokens <= 16_384) return 'medium';
  if (tokens <= 65_536) return 'high';
  return 'max';
}

/**
 * One scale for every way of asking: OpenAI `reasoning_effort`, Responses `reasoning.effort`,
 * Anthropic `thinking` (budget or adaptive with `output_config.effort`), all already a
 * {@link ThinkingRequest}. No request means the configured default (FAKE_REASONING and its budget).
 */
export function effortStep(request: ThinkingRequest | undefined, defaults: { enabled: boolean; maxTokens: number }): EffortStep {
  if (!request) return defaults.enabled ? effortForBudget(defaults.maxTokens) : 'off';
  switch (request.kind) {
    case 'off':
      return 'off';
    case 'budget':
      return effortForBudget(request.tokens);
    case 'effort':
      return request.effort;
  }
}

/** The advertised value nearest to the step asked for; between two, the lower (never more than asked). */
export function clampEffort(step: Exclude<EffortStep, 'off'>, advertised: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const value of advertised) {
    const distance = Math.abs(EFFORT_RANK[value] - EFFORT_RANK[step]);
    if (best === undefined || distance < Math.abs(EFFORT_RANK[best] - EFFORT_RANK[step])) best = value;
  }
  return best;
}

/**
 * `additionalModelRequestFields` for a step, holding only members the schema lists: thinking
 * adaptive (with the display asked for, else summarized so the text is shown) and the clamped
 * effort; `off` is `thinking.type: "disabled"` where the model takes it. Undefined: send none.
 */
export function nativeReasoningFields(step: EffortStep, support: NativeReasoningSupport, display?: ThinkingDisplay): JsonObject | undefined {
  if (step === 'off') return support.thinkingTypes.has('disabled') ? { thinking: { type: 'disabled' } } : undefined;
  const fields: JsonObject = {};
  if (support.thinkingTypes.has('adaptive')) {
    const shown = display ?? 'summarized';
    fields.thinking = { type: 'adaptive', ...(support.displays.has(shown) ? { display: shown } : {}) };
  }
  const effort = support.effort && clampEffort(step, support.effort.values);
  if (support.effort && effort) fields[support.effort.path] = { effort };
  return Object.keys(fields).length > 0 ? fields : undefined;
}

function propertiesOf(schema: unknown): JsonObject {
  return isJsonObject(schema) && isJsonObject(schema.properties) ? schema.properties : {};
}

function enumOf(schema: unknown): string[] {
  return isJsonObject(schema) && Array.isArray(schema.enum) ? schema.enum.filter((value): value is string => typeof value === 'string') : [];
}
