import { askedModel, resolveModel } from '../converter/model-resolver';

/**
 * Which models a key may use. The policy restricts what is served, not what is typed: a request's
 * name is taken where routing takes it before any account's catalog (askedModel: MODEL_ALIASES,
 * then the normalising every request gets), and that model must be in the list. So
 * `claude-sonnet-4.5` in a key allows every spelling of it (`claude-sonnet-4-5-20250929`,
 * `-thinking`, `[1m]`), and an alias is allowed only when the model it leads to is.
 * An entry names a model, never an alias (MODEL_ALIASES=claude-sonnet-4.5=claude-opus-4.5 and a
 * key listing `claude-sonnet-4.5` may not use opus under that name); it is normalised the same way.
 * A trailing `*` allows a prefix, compared with dots and hyphens alike (`claude-sonnet-4-*` and
 * `claude-sonnet-4.*` both allow claude-sonnet-4.5 and 4.6, not claude-sonnet-4).
 * The family fallback of an account's catalog is not followed: a name the list does not cover is
 * refused, whatever it would be served by.
 */
export class ModelPolicy {
  private readonly exact = new Set<string>();
  private readonly prefixes: string[] = [];

  constructor(
    allowed: readonly string[],
    private readonly aliases: ReadonlyMap<string, string>,
  ) {
    for (const entry of allowed) {
      if (entry.endsWith('*')) this.prefixes.push(prefixForm(entry.slice(0, -1)));
      else this.exact.add(resolveModel(entry).kiroModelId.toLowerCase());
    }
  }

  get unrestricted(): boolean {
    return this.exact.size === 0 && this.prefixes.length === 0;
  }

  allows(requested: string): boolean {
    if (this.unrestricted) return true;
    const served = this.served(requested);
    if (this.exact.has(served)) return true;
    const form = prefixForm(served);
    return this.prefixes.some((prefix) => form.startsWith(prefix));
  }

  /** The Kiro model id (lower case) a client name is served by, before any catalog. */
  served(name: string): string {
    return askedModel(name, this.aliases).id.toLowerCase();
  }
}

/** Kiro ids are dotted (`claude-sonnet-4.5`), clients' names hyphenated: a prefix matches either. */
const prefixForm = (name: string): string => name.trim().toLowerCase().replace(/\./g, '-');
