import { Inject, Injectable, Logger, OnApplicationBootstrap, Optional } from '@nestjs/common';
import type Redis from 'ioredis';
import { AccountsService, allowedAccountsOf } from '../accounts';
import { AuthService, type Principal } from '../auth';
import { Clock } from '../common/clock';
import { forLog } from '../common/text';
import { gatewayConfig, type GatewayConfig } from '../config/gateway.config';
import { type NativeReasoningSupport, type ResolvedModel, routeModel } from '../converter';
import { KiroClient, type KiroModelInfo, type KiroSession } from '../kiro';
import { RedisConnection } from '../redis/redis.module';
import { CatalogCache } from './catalog-cache';
import { clientNames, DEFAULT_MAX_INPUT_TOKENS, STATIC_CATALOG, STATIC_WINDOWS } from './static-models';

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
 * The models a caller's account can serve, from its Kiro catalog (cached per account,
 * {@link CatalogCache}), and the model that serves a requested name on it.
 */
@Injectable()
export class ModelsService implements OnApplicationBootstrap {
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
    private readonly accounts: AccountsService,
    @Optional() @Inject(RedisConnection) private readonly redis?: Redis | null,
  ) {}

  /**
   * The gateway's own catalog (and with it a first token) is fetched at start-up, so that no
   * first request waits for it: start-up waits for it as briefly as a request would, then
   * leaves it to finish in the background. Not while REDIS_URL is set and Redis does not answer
   * yet: replicas started together would each refresh the login on its own, and with a rotating
   * refresh token all but one would be left holding a revoked one. The first request fetches it
   * then, under the shared refresh lock.
   */
  async onApplicationBootstrap(): Promise<void> {
    if (this.redis && this.redis.status !== 'ready') {
      this.logger.debug("Redis does not answer yet: the model list is fetched by the first request, not at start-up");
      return;
    }
    await this.catalogOf({ kind: 'gateway' })?.forRequest();
  }

  /**
   * What the caller's account can serve: each model of its catalog, the names clients know it by
   * (hyphenated, dated) and the MODEL_ALIASES names that lead to it. Without a catalog (Kiro not
   * reachable yet, multi-tenant-only mode) the models most accounts have.
   */
  async list(principal: Principal = { kind: 'gateway' }, signal?: AbortSignal): Promise<ModelEntry[]> {
    const fetched = (await this.catalogOf(principal)?.forRequest(signal)) ?? [];
    const catalog = fetched.length > 0 ? fetched : STATIC_CATALOG;
    const ids = new Set(catalog.map((model) => model.modelId));
    const byId = new Map<string, ModelEntry>();
    const add = (id: string, served: KiroModelInfo, displayName = served.modelName) => {
      if (!byId.has(id)) byId.set(id, this.entry(id, served, displayName));
    };
    for (const model of catalog) {
      add(model.modelId, model);
      for (const name of clientNames(model.modelId)) if (this.routesTo(name, ids) === model.modelId) add(name, model);
    }
    for (const alias of this.config.models.aliases.keys()) {
      const target = catalog.find((model) => model.modelId === this.routesTo(alias, ids));
      if (target) add(alias, target, alias);
    }
    return [...byId.values()];
  }

  /**
   * A listed model by its id, or by any name a request would be served under: normalised
   * (`claude-sonnet-4-5[1m]`), aliased, or the newest of its family (`claude-opus-5-5`).
   */
  async find(id: string, principal: Principal = { kind: 'gateway' }, signal?: AbortSignal): Promise<ModelEntry | undefined> {
    const models = await this.list(principal, signal);
    const exact = models.find((model) => model.id === id);
    if (exact) return exact;
    const kiroId = this.routesTo(id, this.catalogOf(principal)?.ids);
    const resolved = kiroId === undefined ? undefined : models.find((model) => model.id === kiroId);
    return resolved && { ...resolved, id };
  }

  /**
   * The model that serves `requested` on this session's account (MODEL_ALIASES, the catalog, the
   * newest of the family, MODEL_FALLBACK; see routeModel). A name served by another model is
   * logged once. Before the account's first catalog this waits for it only briefly (and not
   * past `signal`): then the name goes to Kiro as it is.
   */
  async resolve(requested: string, session: KiroSession, signal?: AbortSignal): Promise<ResolvedModel> {
    const catalog = this.catalogFor(session);
    await catalog.forRequest(signal);
    const routed = routeModel(requested, catalog.ids, this.config.models);
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

  /**
   * What the model takes for native reasoning on this session's account (its catalog entry's
   * additionalModelRequestFieldsSchema); undefined: no native reasoning, fake reasoning applies.
   */
  nativeReasoning(kiroModelId: string, session: KiroSession): NativeReasoningSupport | undefined {
    return this.catalogFor(session).nativeReasoning(kiroModelId);
  }

  /** How many prompt-cache checkpoints the model takes on this session's account; undefined: none (§9.6). */
  cacheCheckpoints(kiroModelId: string, session: KiroSession): number | undefined {
    return this.catalogFor(session).cacheCheckpoints(kiroModelId);
  }

  /** The Kiro id a name is served by on a catalog, or undefined when no model serves it. */
  private routesTo(name: string, catalog: ReadonlySet<string> | undefined): string | undefined {
    try {
      return routeModel(name, catalog, this.config.models).kiroModelId;
    } catch {
      return undefined;
    }
  }

  private entry(id: string, served: KiroModelInfo, displayName: string | undefined): ModelEntry {
    return {
      id,
      created: this.created,
      ownedBy: id.startsWith('claude') || id === 'auto' ? 'anthropic' : 'kiro',
      displayName: displayName ?? id,
      maxInputTokens: served.maxInputTokens ?? STATIC_WINDOWS.get(served.modelId) ?? DEFAULT_MAX_INPUT_TOKENS,
    };
  }

  /**
   * The caller's account's catalog: a tenant's own login's, else the pool's catalog session (the
   * first healthy account's among those the caller's key may use); none for the gateway in
   * multi-tenant-only mode.
   */
  private catalogOf(principal: Principal): CatalogCache | undefined {
    const session = principal.kind === 'tenant' ? this.auth.sessionFor(principal) : this.accounts.catalogSession(allowedAccountsOf(principal));
    return session && this.catalogFor(session);
  }

  private catalogFor(session: KiroSession): CatalogCache {
    let cache = this.catalogs.get(session);
    if (!cache) {
      cache = new CatalogCache({
        fetch: () => this.kiro.listAvailableModels(session),
        now: () => this.clock.now(),
        sleep: (ms, signal) => this.clock.sleep(ms, signal),
        ttlMs: this.config.models.cacheTtlMs,
        onError: (err) => this.logger.warn(`Could not fetch Kiro's model list; serving the cached one: ${err.message}`),
      });
      this.catalogs.set(session, cache);
    }
    return cache;
  }
}
