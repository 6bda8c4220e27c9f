/**
 * What a model's answers have cost lately: the mean Kiro credits of its last metered answers
 * (a ring of `window` per model, at most `maxModels` models: names reaching here are Kiro ids,
 * but the bound keeps it so whatever comes). Used to charge a client key's budget for an answer
 * cut off before Kiro's meteringEvent (kiro-protocol.md §9.4: it comes last), which Kiro still
 * bills to the account.
 */
export class RecentCredits {
  private readonly byModel = new Map<string, { samples: number[]; next: number; sum: number }>();

  constructor(
    private readonly window = 20,
    private readonly maxModels = 64,
  ) {}

  record(model: string, credits: number): void {
    if (!(credits > 0) || !Number.isFinite(credits)) return;
    let ring = this.byModel.get(model);
    if (!ring) {
      if (this.byModel.size >= this.maxModels) this.byModel.delete(this.byModel.keys().next().value as string);
      ring = { samples: [], next: 0, sum: 0 };
      this.byModel.set(model, ring);
    }
    if (ring.samples.length < this.window) {
      ring.samples.push(credits);
    } else {
      ring.sum -= ring.samples[ring.next];
      ring.samples[ring.next] = credits;
    }
    ring.sum += credits;
    ring.next = (ring.next + 1) % this.window;
  }

  /** The mean of the model's last metered answers; undefined before its first. */
  mean(model: string): number | undefined {
    const ring = this.byModel.get(model);
    return ring && ring.samples.length > 0 ? Math.round((ring.sum / ring.samples.length) * 1e6) / 1e6 : undefined;
  }
}
