import { Inject, Injectable, Logger } from '@nestjs/common';
import { AuthService } from '../auth';
import { Clock } from '../common/clock';
import { gatewayConfig, type GatewayConfig } from '../config/gateway.config';
import { resolveModel } from '../converter';
import { KiroClient, type KiroModelInfo } from '../kiro';
import { DEFAULT_MAX_INPUT_TOKENS, STATIC_MODELS } from './static-models';

/** Context windows of the static names, by the Kiro id each resolves to, computed once. */
const STATIC_WINDOWS = new Map<string, number>(STATIC_MODELS.map((model) => [resolveModel(model.id).kiroModelId, model.maxInputTokens]));

export interface ModelEntry {
  id: string;
  /** Creation time reported for the model (Kiro has none: the gateway's start). */
  created: number;
  ownedBy: string;
  displayName: string;
  maxInputTokens: number;
}

/**
 * The model list: the static names plus Kiro's live catalog, cached for MODEL_CACHE_TTL, renewed
 * in the background once half the TTL has passed, and served stale when Kiro cannot be reached.
 */
@Injectable()
export class ModelsService {
  private readonly logger = new Logger(ModelsService.name);
  private readonly created = Math.floor(Date.now() / 1000);
  private catalog: KiroModelInfo[] = [];
  private fetchedAt: number | undefined;
  private inflight: Promise<void> | undefined;

  constructor(
    @Inject(gatewayConfig.KEY) private readonly config: GatewayConfig,
    @Inject(Clock) private readonly clock: Clock,
    private readonly kiro: KiroClient,
    private readonly auth: AuthService,
  ) {}

  async list(): Promise<ModelEntry[]> {
    await this.refreshIfDue();
    const byId = new Map<string, ModelEntry>();
    for (const model of this.catalog) {
      byId.set(model.modelId, this.entry(model.modelId, model.modelName, model.maxInputTokens));
    }
    for (const model of STATIC_MODELS) {
      if (!byId.has(model.id)) byId.set(model.id, this.entry(model.id, undefined, model.maxInputTokens));
    }
    return [...byId.values()];
  }

  /** A listed model by its id, or by any name the resolver maps onto one (`claude-sonnet-4-5[1m]`). */
  async find(id: string): Promise<ModelEntry | undefined> {
    const models = await this.list();
    const exact = models.find((model) => model.id === id);
    if (exact) return exact;
    const kiroId = resolveModel(id).kiroModelId;
    const resolved = models.find((model) => model.id === kiroId);
    return resolved && { ...resolved, id };
  }

  /** The context window of a Kiro model id, for usage maths (on every request: no scans). */
  maxInputTokens(kiroModelId: string): number {
    const live = this.catalog.find((model) => model.modelId === kiroModelId)?.maxInputTokens;
    return live ?? STATIC_WINDOWS.get(kiroModelId) ?? DEFAULT_MAX_INPUT_TOKENS;
  }

  private entry(id: string, displayName: string | undefined, maxInputTokens: number | undefined): ModelEntry {
    return {
      id,
      created: this.created,
      ownedBy: id.startsWith('claude') || id === 'auto' ? 'anthropic' : 'kiro',
      displayName: displayName ?? id,
      maxInputTokens: maxInputTokens ?? this.maxInputTokens(resolveModel(id).kiroModelId),
    };
  }

  private async refreshIfDue(): Promise<void> {
    const ttl = this.config.models.cacheTtlMs;
    const age = this.fetchedAt === undefined ? Infinity : this.clock.now() - this.fetchedAt;
    if (age < ttl / 2) return;
    const refresh = (this.inflight ??= this.fetchCatalog().finally(() => {
      this.inflight = undefined;
    }));
    // Within the TTL the cached list answers at once while the refresh runs in the background.
    if (age >= ttl) await refresh;
  }

  private async fetchCatalog(): Promise<void> {
    if (this.auth.status().mode === 'multi-tenant-only') {
      this.fetchedAt = this.clock.now();
      return;
    }
    try {
      const models = await this.kiro.listAvailableModels(this.auth.sessionFor({ kind: 'gateway' }));
      if (models.length > 0) this.catalog = models;
      this.fetchedAt = this.clock.now();
    } catch (err) {
      // Stale beats nothing; try again after a minute rather than on every request.
      this.logger.warn(`Could not fetch Kiro's model list; serving the cached one: ${(err as Error).message}`);
      this.fetchedAt = this.clock.now() - this.config.models.cacheTtlMs + 60_000;
    }
  }
}
