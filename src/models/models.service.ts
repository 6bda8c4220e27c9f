import { Inject, Injectable, Logger } from '@nestjs/common';
import { AccountsService } from '../accounts';
import { Clock } from '../common/clock';
import { gatewayConfig, type GatewayConfig } from '../config/gateway.config';
import { resolveModel, type ResolvedModel, routeModel } from '../converter';
import { KiroClient, type KiroSession } from '../kiro';
import { CatalogCache } from './catalog-cache';
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

/** How many distinct "served X with Y" lines are remembered, so each is logged once (a bound: names are client-chosen). */
const LOGGED_ROUTES_MAX = 1_000;

/**
 * The model list: the static names plus Kiro's live catalog, cached per account
 * ({@link CatalogCache}), and the model that serves a requested name on the caller's account.
 */
@Injectable()
export class ModelsService {
  private readonly logger = new Logger(ModelsService.name);
  private readonly created = Math.floor(Date.now() / 1000);
  /** One catalog per Kiro session: the gateway's own, and each cached tenant's. */
  private readonly catalogs = new WeakMap<KiroSession, CatalogCache>();
  private readonly loggedRoutes = new Set<string>();

  constructor(
    @Inject(gatewayConfig.KEY) private readonly config: GatewayConfig,
    @Inject(Clock) private readonly clock: Clock,
    private readonly kiro: KiroClient,
    private readonly accounts: AccountsService,
  ) {}

  async list(): Promise<ModelEntry[]> {
    const catalog = (await this.gatewayCatalog()?.current()) ?? [];
    const byId = new Map<string, ModelEntry>();
    for (const model of catalog) {
      byId.set(model.modelId, this.entry(model.modelId, model.modelName, model.maxInputTokens));
    }
    for (const model of STATIC_MODELS) {
      if (!byId.has(model.id)) byId.set(model.id, this.entry(model.id, undefined, model.maxInputTokens));
    }
    return [...byId.values()];
  }

  /**
   * A listed model by its id, or by any name a request would be served under: normalised
   * (`claude-sonnet-4-5[1m]`), aliased, or the newest of its family (`claude-opus-5-5`).
   */
  async find(id: string): Promise<ModelEntry | undefined> {
    const models = await this.list();
    const exact = models.find((model) => model.id === id);
    if (exact) return exact;
    let kiroId: string;
    try {
      kiroId = routeModel(id, this.gatewayCatalog()?.ids, this.config.models).kiroModelId;
    } catch {
      return undefined;
    }
    const resolved = models.find((model) => model.id === kiroId);
    return resolved && { ...resolved, id };
  }

  /**
   * The model that serves `requested` on this session's account (MODEL_ALIASES, the catalog, the
   * newest of the family, MODEL_FALLBACK; see routeModel). A name served by another model is
   * logged once.
   */
  async resolve(requested: string, session: KiroSession): Promise<ResolvedModel> {
    const catalog = this.catalogFor(session);
    await catalog.forRequest();
    const routed = routeModel(requested, catalog.ids, this.config.models);
    if (routed.kiroModelId !== requested && (routed.route === 'family' || routed.route === 'fallback' || routed.route === 'alias')) {
      const line = `${requested} → ${routed.kiroModelId}`;
      if (!this.loggedRoutes.has(line)) {
        if (this.loggedRoutes.size >= LOGGED_ROUTES_MAX) this.loggedRoutes.clear();
        this.loggedRoutes.add(line);
        const why = routed.route === 'family' ? 'not in the account\'s catalog: the newest of its family' : routed.route === 'alias' ? 'MODEL_ALIASES' : 'MODEL_FALLBACK';
        this.logger.log(`Model ${requested} is served by ${routed.kiroModelId} (${why})`);
      }
    }
    return routed;
  }

  /** The context window of a Kiro model id, for usage maths (on every request: lookups, no scans). */
  maxInputTokens(kiroModelId: string): number {
    return this.gatewayCatalog()?.maxInputTokens(kiroModelId) ?? STATIC_WINDOWS.get(kiroModelId) ?? DEFAULT_MAX_INPUT_TOKENS;
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

  /** The catalog of the gateway's accounts (the first healthy one's); none in multi-tenant-only mode. */
  private gatewayCatalog(): CatalogCache | undefined {
    const session = this.accounts.catalogSession();
    return session && this.catalogFor(session);
  }

  private catalogFor(session: KiroSession): CatalogCache {
    let cache = this.catalogs.get(session);
    if (!cache) {
      cache = new CatalogCache({
        fetch: () => this.kiro.listAvailableModels(session),
        now: () => this.clock.now(),
        ttlMs: this.config.models.cacheTtlMs,
        onError: (err) => this.logger.warn(`Could not fetch Kiro's model list; serving the cached one: ${err.message}`),
      });
      this.catalogs.set(session, cache);
    }
    return cache;
  }
}
