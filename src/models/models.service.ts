import { Inject, Injectable, Logger } from '@nestjs/common';
import { AuthService } from '../auth';
import { Clock } from '../common/clock';
import { forLog } from '../common/text';
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
/** How much of a requested model name such a line keeps. */
const LOGGED_NAME_CHARS = 80;

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
    private readonly auth: AuthService,
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
    const catalog = this.gatewayCatalog()?.cached.map((model) => model.modelId);
    let kiroId: string;
    try {
      kiroId = routeModel(id, catalog, this.config.models).kiroModelId;
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
    const catalog = await this.catalogFor(session).forRequest();
    const routed = routeModel(requested, catalog.map((model) => model.modelId), this.config.models);
    if (routed.kiroModelId !== requested && (routed.route === 'family' || routed.route === 'fallback' || routed.route === 'alias')) {
      // Client-chosen: the remembered and logged name is a short, escaped one.
      const name = forLog(requested, LOGGED_NAME_CHARS);
      const key = `${routed.kiroModelId}\u0000${name}`;
      if (!this.loggedRoutes.has(key)) {
        if (this.loggedRoutes.size >= LOGGED_ROUTES_MAX) this.loggedRoutes.clear();
        this.loggedRoutes.add(key);
        const why = routed.route === 'family' ? 'not in the account\'s catalog: the newest of its family' : routed.route === 'alias' ? 'MODEL_ALIASES' : 'MODEL_FALLBACK';
        this.logger.log(`Model ${name} is served by ${routed.kiroModelId} (${why})`);
      }
    }
    return routed;
  }

  /** The context window of a Kiro model id, for usage maths (on every request: no scans). */
  maxInputTokens(kiroModelId: string): number {
    const live = this.gatewayCatalog()?.cached.find((model) => model.modelId === kiroModelId)?.maxInputTokens;
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

  /** The gateway's own account's catalog; none in multi-tenant-only mode. */
  private gatewayCatalog(): CatalogCache | undefined {
    if (this.auth.status().mode === 'multi-tenant-only') return undefined;
    return this.catalogFor(this.auth.sessionFor({ kind: 'gateway' }));
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
