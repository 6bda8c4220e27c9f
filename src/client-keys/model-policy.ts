import { resolveModel } from '../converter/model-resolver';

/**
 * Which models a key may ask for. A name is compared after what the gateway does to it before
 * it knows any account's catalog: MODEL_ALIASES first, then the normalising every request gets
 * (`claude-sonnet-4-5-20250929` → `claude-sonnet-4.5`, `-thinking` and `[1m]` dropped). So
 * `claude-sonnet-4.5` in a key allows every spelling of it, and an alias allows what it leads
 * to. A trailing `*` allows a prefix (`claude-haiku-*`). The family fallback of an account's
 * catalog is not followed: a name the list does not cover is refused, whatever it would be served by.
 */
export class ModelPolicy {
  private readonly exact = new Set<string>();
  private readonly prefixes: string[] = [];

  constructor(
    allowed: readonly string[],
    private readonly aliases: ReadonlyMap<string, string>,
  ) {
    for (const entry of allowed) {
      if (entry.endsWith('*')) this.prefixes.push(entry.slice(0, -1).toLowerCase());
      else this.exact.add(this.canonical(entry));
    }
  }

  get unrestricted(): boolean {
    return this.exact.size === 0 && this.prefixes.length === 0;
  }

  allows(requested: string): boolean {
    if (this.unrestricted) return true;
    const name = this.canonical(requested);
    if (this.exact.has(name)) return true;
    return this.prefixes.some((prefix) => name.startsWith(prefix));
  }

  /** The Kiro model id a client name stands for, before any catalog. */
  canonical(name: string): string {
    const aliased = this.aliases.get(name.trim().toLowerCase()) ?? name;
    return resolveModel(aliased).kiroModelId.toLowerCase();
  }
}
