import { NotFoundError } from '../common/errors';
import { resolveModel, routeModel, type ModelRouting } from './model-resolver';

describe(resolveModel.name, () => {
  it.each([
    ['claude-sonnet-4.5', 'claude-sonnet-4.5'],
    ['claude-sonnet-4-5', 'claude-sonnet-4.5'],
    ['claude-sonnet-4-5-20250929', 'claude-sonnet-4.5'],
    ['claude-haiku-4-5-20251001', 'claude-haiku-4.5'],
    ['claude-haiku-4.5', 'claude-haiku-4.5'],
    ['claude-opus-4-6[1m]', 'claude-opus-4.6'],
    ['claude-sonnet-4-20250514', 'claude-sonnet-4'],
    ['claude-sonnet-4', 'claude-sonnet-4'],
    ['claude-3-7-sonnet-20250219', 'claude-3.7-sonnet'],
    ['claude-4.5-opus-high', 'claude-opus-4.5'],
    ['auto', 'auto'],
    ['auto-kiro', 'auto'],
    ['CLAUDE_SONNET_4_20250514_V1_0', 'CLAUDE_SONNET_4_20250514_V1_0'],
    ['deepseek-3.2', 'deepseek-3.2'],
    ['Claude-Sonnet-4-5', 'claude-sonnet-4.5'],
  ])('resolves %s to %s', (requested, kiroModelId) => {
    expect(resolveModel(requested)).toEqual({ requested, kiroModelId, slow: kiroModelId.includes('opus') });
  });

  it('marks Opus models slow and the others not', () => {
    expect(resolveModel('claude-opus-4-5').slow).toBe(true);
    expect(resolveModel('claude-sonnet-4-5').slow).toBe(false);
  });
});

describe(routeModel.name, () => {
  const CATALOG = ['auto', 'claude-sonnet-4.5', 'claude-sonnet-4', 'claude-haiku-4.5', 'claude-opus-4.5', 'claude-sonnet-4.6', 'claude-opus-4.6', 'claude-opus-4.7'];
  const none: ModelRouting = { aliases: new Map(), fallback: undefined };

  it('serves a name the catalog has, after normalising it', () => {
    expect(routeModel('claude-sonnet-4-5-20250929', CATALOG, none)).toEqual({ requested: 'claude-sonnet-4-5-20250929', kiroModelId: 'claude-sonnet-4.5', slow: false, route: 'catalog' });
  });

  it.each([
    ['claude-opus-5-5', 'claude-opus-4.7'],
    ['claude-opus-5-5-20261101', 'claude-opus-4.7'],
    ['claude-opus-4.8', 'claude-opus-4.7'],
    ['claude-sonnet-5', 'claude-sonnet-4.6'],
    ['claude-haiku-4-6[1m]', 'claude-haiku-4.5'],
    ['claude-3-7-sonnet-20250219', 'claude-sonnet-4.6'],
    ['Claude-Opus-5', 'claude-opus-4.7'],
  ])('serves %s, missing from the catalog, with the newest of its family: %s', (requested, kiroModelId) => {
    expect(routeModel(requested, CATALOG, none)).toMatchObject({ kiroModelId, route: 'family' });
  });

  it('applies MODEL_ALIASES first, case-insensitively', () => {
    const routing: ModelRouting = { aliases: new Map([['gpt-5.5', 'claude-haiku-4.5']]), fallback: undefined };

    expect(routeModel('GPT-5.5', CATALOG, routing)).toEqual({ requested: 'GPT-5.5', kiroModelId: 'claude-haiku-4.5', slow: false, route: 'alias' });
  });

  it('serves a name of no known family with MODEL_FALLBACK', () => {
    expect(routeModel('gpt-5.5', CATALOG, { aliases: new Map(), fallback: 'claude-sonnet-4-5' })).toMatchObject({ kiroModelId: 'claude-sonnet-4.5', route: 'fallback' });
  });

  it('answers 404 for a name of no known family, listing what the account has', () => {
    const attempt = () => routeModel('gpt-5.5', CATALOG, none);

    expect(attempt).toThrow(NotFoundError);
    expect(attempt).toThrow(`The model 'gpt-5.5' is not available on this Kiro account, which has: ${CATALOG.join(', ')}.`);
  });

  it('answers 404 when MODEL_FALLBACK is itself not in the catalog', () => {
    expect(() => routeModel('gpt-5.5', CATALOG, { aliases: new Map(), fallback: 'claude-opus-9' })).toThrow(NotFoundError);
  });

  it('answers 404 for a known family the account has no model of', () => {
    expect(() => routeModel('claude-opus-5', ['auto', 'claude-sonnet-4.5'], none)).toThrow(NotFoundError);
  });

  it('routes the same through the Set of ids the request path passes', () => {
    const ids = new Set(CATALOG);

    expect(routeModel('claude-sonnet-4-5', ids, none)).toMatchObject({ kiroModelId: 'claude-sonnet-4.5', route: 'catalog' });
    expect(routeModel('claude-opus-5-5', ids, none)).toMatchObject({ kiroModelId: 'claude-opus-4.7', route: 'family' });
    expect(routeModel('gpt-5.5', ids, { aliases: new Map(), fallback: 'claude-haiku-4-5' })).toMatchObject({ kiroModelId: 'claude-haiku-4.5', route: 'fallback' });
    expect(() => routeModel('gpt-5.5', ids, none)).toThrow(`which has: ${CATALOG.join(', ')}.`);
    expect(routeModel('claude-sonnet-4-5', new Set<string>(), none)).toMatchObject({ route: 'unchecked' });
  });

  it('leaves names unchecked without a catalog, and legacy upper-case ids always', () => {
    expect(routeModel('claude-opus-5-5', undefined, none)).toMatchObject({ kiroModelId: 'claude-opus-5.5', route: 'unchecked' });
    expect(routeModel('CLAUDE_SONNET_4_20250514_V1_0', CATALOG, none)).toMatchObject({ kiroModelId: 'CLAUDE_SONNET_4_20250514_V1_0', route: 'unchecked' });
  });
});
