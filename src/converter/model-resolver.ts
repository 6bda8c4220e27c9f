import { NotFoundError } from '../common/errors';

/**
 * Client model names → Kiro model ids (kiro-protocol.md §2.5 #10, §4.3). Kiro wants dotted ids
 * (`claude-sonnet-4.5`); clients send dated (`claude-sonnet-4-5-20250929`), hyphenated, `[1m]`
 * suffixed or aliased names. {@link resolveModel} only normalises; {@link routeModel} then
 * checks the name against the account's catalog.
 */
export interface ResolvedModel {
  /** What the client asked for; echoed in every reply. */
  requested: string;
  kiroModelId: string;
  /** Opus models answer slowly: their timeouts get SLOW_MODEL_TIMEOUT_MULTIPLIER. */
  slow: boolean;
  /** The name ended in `-thinking` (HK): thinking on for clients that cannot ask with a parameter. */
  thinkingSuffix?: true;
}

/** `claude-sonnet-4-6-thinking` is `claude-sonnet-4-6` with thinking on. */
const THINKING_SUFFIX = /-thinking$/i;

const ALIASES: Record<string, string> = {
  'auto-kiro': 'auto',
  'claude-sonnet-4-20250514': 'claude-sonnet-4',
  'claude-4-sonnet': 'claude-sonnet-4',
  'claude-4-opus': 'claude-opus-4',
};

export function resolveModel(requested: string): ResolvedModel {
  const name = requested.trim();
  const thinking = THINKING_SUFFIX.test(name);
  const kiroModelId = normalise(thinking ? name.replace(THINKING_SUFFIX, '') : name);
  return { requested, kiroModelId, slow: /opus/i.test(kiroModelId), ...(thinking ? { thinkingSuffix: true as const } : {}) };
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

/**
 * The Kiro model id a client name asks for before any catalog is consulted: MODEL_ALIASES
 * (under the name as sent, or as normalised: `claude-sonnet-4-5-20250929` finds an alias of
 * `claude-sonnet-4.5`), then the normalising. What {@link routeModel} serves and what a client
 * key's allowed models are checked against (ModelPolicy), so the two cannot disagree.
 */
export function askedModel(requested: string, aliases: ReadonlyMap<string, string>): { id: string; aliased: boolean } {
  const alias = aliases.get(requested.trim().toLowerCase()) ?? aliases.get(resolveModel(requested).kiroModelId);
  return { id: resolveModel(alias ?? requested).kiroModelId, aliased: alias !== undefined };
}

/** How a requested name reached the model that serves it. */
export type ModelRoute =
  /** In the account's catalog (after normalising). */
  | 'catalog'
  /** MODEL_ALIASES named it. */
  | 'alias'
  /** Not in the catalog: the newest model of its family (claude-opus-*, claude-sonnet-*, claude-haiku-*). */
  | 'family'
  /** Of no known family: MODEL_FALLBACK. */
  | 'fallback'
  /** No catalog to check against (none fetched yet, or multi-tenant only): Kiro judges. */
  | 'unchecked';

export interface RoutedModel extends ResolvedModel {
  route: ModelRoute;
}

export interface ModelRouting {
  /** Lower-case client names → the model to use. */
  aliases: ReadonlyMap<string, string>;
  fallback: string | undefined;
}

type Family = 'opus' | 'sonnet' | 'haiku';

/** An account's model ids: a Set on the request path (a lookup, not a scan), or a plain list. */
export type CatalogIds = ReadonlySet<string> | readonly string[];

function inCatalog(catalog: CatalogIds, id: string): boolean {
  return 'has' in catalog ? catalog.has(id) : catalog.includes(id);
}

function sizeOf(catalog: CatalogIds): number {
  return 'size' in catalog ? catalog.size : catalog.length;
}

/** `claude-opus-4.8`, `claude-sonnet-4`, `claude-3.7-sonnet`: family and version, if a Claude id. */
function familyVersion(id: string): { family: Family; major: number; minor: number } | undefined {
  const modern = /^claude-(opus|sonnet|haiku)(?:-(\d+)(?:\.(\d+))?)?(?:$|-)/.exec(id);
  if (modern) return { family: modern[1] as Family, major: Number(modern[2] ?? 0), minor: Number(modern[3] ?? 0) };
  const legacy = /^claude-(\d+)(?:\.(\d+))?-(opus|sonnet|haiku)(?:$|-)/.exec(id);
  if (legacy) return { family: legacy[3] as Family, major: Number(legacy[1]), minor: Number(legacy[2] ?? 0) };
  return undefined;
}

/** The newest catalog model of a family, or undefined when the account has none. */
function newestOfFamily(family: Family, catalog: Iterable<string>): string | undefined {
  let best: { id: string; major: number; minor: number } | undefined;
  for (const id of catalog) {
    const version = familyVersion(id);
    if (version?.family !== family) continue;
    if (!best || version.major > best.major || (version.major === best.major && version.minor > best.minor)) best = { id, ...version };
  }
  return best?.id;
}

/**
 * The model that serves a requested name on an account whose catalog is `catalog`:
 * MODEL_ALIASES first, then the normalised name if the account has it, else the newest model of
 * the same family (Claude Code asks for models Kiro does not list yet, e.g. `claude-opus-5-5`),
 * else MODEL_FALLBACK, else a 404 that lists what the account has. Without a catalog the
 * normalised name goes to Kiro as it is.
 */
export function routeModel(requested: string, catalog: CatalogIds | undefined, routing: ModelRouting): RoutedModel {
  const { id, aliased: alias } = askedModel(requested, routing.aliases);
  const thinking = resolveModel(requested).thinkingSuffix;
  const served = (kiroModelId: string, route: ModelRoute): RoutedModel => ({
    requested,
    kiroModelId,
    slow: /opus/i.test(kiroModelId),
    route,
    ...(thinking ? { thinkingSuffix: thinking } : {}),
  });
  if (!catalog || sizeOf(catalog) === 0 || /^CLAUDE_[A-Z0-9_]+_V1_0$/.test(id)) return served(id, alias ? 'alias' : 'unchecked');
  if (inCatalog(catalog, id)) return served(id, alias ? 'alias' : 'catalog');
  const version = familyVersion(id);
  const newest = version && newestOfFamily(version.family, catalog);
  if (newest) return served(newest, 'family');
  if (routing.fallback) {
    const fallback = resolveModel(routing.fallback).kiroModelId;
    if (inCatalog(catalog, fallback)) return served(fallback, 'fallback');
  }
  throw new NotFoundError(
    `The model '${requested}' is not available on this Kiro account, which has: ${[...catalog].join(', ')}. ` +
      'MODEL_ALIASES (name=model pairs) or MODEL_FALLBACK can map other names onto these.',
    'model_not_found',
    'model',
  );
}
