import { claudeReasoningSchema } from './native-reasoning';

/** The simulator's ListAvailableModels catalog (protocol §4.1 shape, ids from the §4.3 MITM catalog). */
export interface SimModel {
  readonly modelId: string;
  readonly modelName: string;
  readonly description: string;
  readonly rateMultiplier: number;
  readonly rateUnit: string;
  readonly supportedInputTypes: readonly string[];
  readonly tokenLimits: { readonly maxInputTokens: number; readonly maxOutputTokens: number };
  /** Only on native-reasoning models: what `additionalModelRequestFields` may hold (§4.1, §9.5). */
  readonly additionalModelRequestFieldsSchema?: Record<string, unknown>;
  /** Only on models that offer prompt caching (§9.6), in the catalog's own shape. */
  readonly promptCaching?: { readonly supportsPromptCaching: boolean; readonly maximumCacheCheckpointsPerRequest: number; readonly minimumTokensPerCacheCheckpoint: number };
}

/** What the catalogs seen say for every model that offers prompt caching (§9.6). */
const PROMPT_CACHING = { supportsPromptCaching: true, maximumCacheCheckpointsPerRequest: 4, minimumTokensPerCacheCheckpoint: 1024 } as const;

export interface ModelListPage {
  defaultModel: { modelId: string };
  models: readonly SimModel[];
  nextToken?: string;
}

export const SIM_DEFAULT_MODEL_ID = 'auto';

const TEXT_AND_IMAGE = ['TEXT', 'IMAGE'] as const;

function model(
  modelId: string,
  modelName: string,
  rateMultiplier: number,
  maxInputTokens: number,
  description: string,
): SimModel {
  return {
    modelId,
    modelName,
    description,
    rateMultiplier,
    rateUnit: 'Credit',
    supportedInputTypes: TEXT_AND_IMAGE,
    tokenLimits: { maxInputTokens, maxOutputTokens: 64_000 },
  };
}

export const SIM_MODEL_CATALOG: readonly SimModel[] = Object.freeze([
  model('auto', 'Auto', 1.0, 200_000, 'Picks the best model for each task'),
  model('claude-sonnet-4.5', 'Claude Sonnet 4.5', 1.3, 200_000, 'Balanced model for coding and agents'),
  model('claude-sonnet-4', 'Claude Sonnet 4', 1.3, 200_000, 'Previous-generation Sonnet'),
  model('claude-haiku-4.5', 'Claude Haiku 4.5', 0.4, 200_000, 'Fast and inexpensive'),
  model('claude-opus-4.5', 'Claude Opus 4.5', 2.2, 200_000, 'Most capable 4.5 model'),
  // Native reasoning (§9.5): Sonnet 4.6 advertises no `max` effort, so requests for it are clamped.
  // Prompt caching (§9.6) on two of them, as catalogs list it per model.
  { ...model('claude-sonnet-4.6', 'Claude Sonnet 4.6', 1.3, 1_000_000, 'Sonnet with a 1M-token context window'), additionalModelRequestFieldsSchema: claudeReasoningSchema(['low', 'medium', 'high']), promptCaching: PROMPT_CACHING },
  { ...model('claude-opus-4.6', 'Claude Opus 4.6', 2.2, 200_000, 'Opus 4.6'), additionalModelRequestFieldsSchema: claudeReasoningSchema(['low', 'medium', 'high', 'max']) },
  { ...model('claude-opus-4.7', 'Claude Opus 4.7', 2.2, 200_000, 'Opus 4.7'), additionalModelRequestFieldsSchema: claudeReasoningSchema(['low', 'medium', 'high', 'max']), promptCaching: PROMPT_CACHING },
]);

/** A model's prompt caching, by id; absent for models without it. */
export const SIM_PROMPT_CACHING: ReadonlyMap<string, NonNullable<SimModel['promptCaching']>> = new Map(
  SIM_MODEL_CATALOG.flatMap((m) => (m.promptCaching ? [[m.modelId, m.promptCaching] as const] : [])),
);

/** How many cache checkpoints a request may carry, by model id (§9.6). */
export const SIM_CACHE_CHECKPOINTS: ReadonlyMap<string, number> = new Map([...SIM_PROMPT_CACHING].map(([id, caching]) => [id, caching.maximumCacheCheckpointsPerRequest]));

/** A model's additionalModelRequestFieldsSchema, by id; undefined for models without native reasoning. */
export const SIM_REASONING_SCHEMAS: ReadonlyMap<string, Record<string, unknown>> = new Map(
  SIM_MODEL_CATALOG.flatMap((m) => (m.additionalModelRequestFieldsSchema ? [[m.modelId, m.additionalModelRequestFieldsSchema] as const] : [])),
);

export const SIM_MODEL_IDS: ReadonlySet<string> = new Set(SIM_MODEL_CATALOG.map((m) => m.modelId));

/** Opaque page cursor: base64url of the next offset, so clients cannot rely on its format. */
const encodeCursor = (offset: number): string => Buffer.from(`models:${offset}`).toString('base64url');

function decodeCursor(token: string): number | undefined {
  const match = /^models:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  return match ? Number(match[1]) : undefined;
}

/**
 * One page of the catalog for `maxResults` / `nextToken` (§4.1; KG follows nextToken).
 * Returns a string explaining the problem when the query is malformed.
 */
export function pageOfModels(
  catalog: readonly SimModel[],
  query: { maxResults?: string; nextToken?: string },
): ModelListPage | string {
  let pageSize = catalog.length;
  if (query.maxResults !== undefined) {
    pageSize = Number(query.maxResults);
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) {
      return `maxResults must be an integer from 1 to 100, got "${query.maxResults}"`;
    }
  }
  let offset = 0;
  if (query.nextToken !== undefined) {
    const decoded = decodeCursor(query.nextToken);
    if (decoded === undefined || decoded >= catalog.length) return `nextToken "${query.nextToken}" is invalid`;
    offset = decoded;
  }
  const end = offset + pageSize;
  const page: ModelListPage = {
    defaultModel: { modelId: SIM_DEFAULT_MODEL_ID },
    models: catalog.slice(offset, end),
  };
  if (end < catalog.length) page.nextToken = encodeCursor(end);
  return page;
}
