import { isJsonObject } from '../common/json';

/** One entry of Kiro's model catalog; every field but the id may be missing upstream. */
export interface KiroModelInfo {
  modelId: string;
  modelName?: string;
  description?: string;
  maxInputTokens?: number;
  maxOutputTokens?: number;
  rateMultiplier?: number;
  supportedInputTypes?: string[];
  /** Only on native-reasoning models: what `additionalModelRequestFields` may hold (§4.1, §9.5). */
  additionalModelRequestFieldsSchema?: Record<string, unknown>;
  /** `promptCaching.supportsPromptCaching` (§9.6): how many cache checkpoints one request may carry. */
  promptCaching?: { maxCheckpoints: number };
}

/** What Kiro's catalog says when it names no limit (the value every catalog seen carries). */
const DEFAULT_CACHE_CHECKPOINTS = 4;

function promptCachingOf(raw: unknown): KiroModelInfo['promptCaching'] {
  if (!isJsonObject(raw) || raw.supportsPromptCaching !== true) return undefined;
  const max = raw.maximumCacheCheckpointsPerRequest;
  return { maxCheckpoints: typeof max === 'number' && Number.isInteger(max) && max >= 1 && max <= 16 ? max : DEFAULT_CACHE_CHECKPOINTS };
}

export function parseModelList(text: string): { models: KiroModelInfo[]; nextToken?: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { models: [] };
  }
  const root = (json ?? {}) as { models?: unknown; nextToken?: unknown };
  const entries = Array.isArray(root.models) ? root.models : [];
  const models: KiroModelInfo[] = [];
  for (const entry of entries) {
    if (typeof entry !== 'object' || entry === null) continue;
    const e = entry as Record<string, unknown>;
    if (typeof e.modelId !== 'string' || !e.modelId) continue;
    const limits = (typeof e.tokenLimits === 'object' && e.tokenLimits !== null ? e.tokenLimits : {}) as Record<string, unknown>;
    models.push({
      modelId: e.modelId,
      modelName: typeof e.modelName === 'string' ? e.modelName : undefined,
      description: typeof e.description === 'string' ? e.description : undefined,
      maxInputTokens: typeof limits.maxInputTokens === 'number' ? limits.maxInputTokens : undefined,
      maxOutputTokens: typeof limits.maxOutputTokens === 'number' ? limits.maxOutputTokens : undefined,
      rateMultiplier: typeof e.rateMultiplier === 'number' ? e.rateMultiplier : undefined,
      supportedInputTypes: Array.isArray(e.supportedInputTypes) ? e.supportedInputTypes.filter((t): t is string => typeof t === 'string') : undefined,
      additionalModelRequestFieldsSchema: isJsonObject(e.additionalModelRequestFieldsSchema) ? e.additionalModelRequestFieldsSchema : undefined,
      promptCaching: promptCachingOf(e.promptCaching),
    });
  }
  return { models, nextToken: typeof root.nextToken === 'string' && root.nextToken ? root.nextToken : undefined };
}
