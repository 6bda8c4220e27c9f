import { Inject, Injectable } from '@nestjs/common';
import { request } from 'undici';
import { gatewayConfig, type GatewayConfig } from '../config/gateway.config';

export interface UpstreamReachability {
  reachable: boolean;
  checkedAt: string;
  latencyMs?: number;
  error?: string;
}

const CACHE_MS = 30_000;

/**
 * Whether Kiro's API host answers at all (any HTTP status counts), checked at most every 30 s so
 * that health polling never turns into upstream traffic.
 */
@Injectable()
export class UpstreamProbe {
  private last: UpstreamReachability | undefined;
  private lastAt = 0;
  private inflight: Promise<UpstreamReachability> | undefined;

  constructor(@Inject(gatewayConfig.KEY) private readonly config: GatewayConfig) {}

  check(): Promise<UpstreamReachability> {
    if (this.last && Date.now() - this.lastAt < CACHE_MS) return Promise.resolve(this.last);
    this.inflight ??= this.probe().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async probe(): Promise<UpstreamReachability> {
    const started = Date.now();
    let result: UpstreamReachability;
    try {
      const response = await request(this.config.kiro.apiHost, { method: 'HEAD', signal: AbortSignal.timeout(3_000) });
      await response.body.dump();
      result = { reachable: true, checkedAt: new Date().toISOString(), latencyMs: Date.now() - started };
    } catch (err) {
      result = { reachable: false, checkedAt: new Date().toISOString(), error: (err as { code?: string }).code ?? (err as Error).message };
    }
    this.last = result;
    this.lastAt = Date.now();
    return result;
  }
}
