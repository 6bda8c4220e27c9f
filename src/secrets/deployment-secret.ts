import { hkdfSync, randomBytes } from 'node:crypto';

/** Where this deployment's secret came from (logged at start-up; the secret itself never is). */
export type DeploymentSecretSource = 'GATEWAY_SECRET' | 'Redis' | 'this process';

/**
 * This deployment's own secret: never PROXY_API_KEY, which every client holds. Each use gets a
 * key of its own, derived with HKDF under the use's name, so that a key leaked or misused in one
 * place (a metrics label) says nothing about another (sealed reasoning).
 */
export class DeploymentSecret {
  private constructor(
    private readonly secret: Buffer,
    readonly source: DeploymentSecretSource,
  ) {}

  static of(secret: string, source: DeploymentSecretSource): DeploymentSecret {
    return new DeploymentSecret(Buffer.from(secret, 'utf8'), source);
  }

  /** A fresh random secret, as a string that can be shared (hex, 64 characters). */
  static randomText(): string {
    return randomBytes(32).toString('hex');
  }

  static random(): DeploymentSecret {
    return DeploymentSecret.of(DeploymentSecret.randomText(), 'this process');
  }

  /** A 32-byte key for one use, e.g. `metrics tenant labels`. */
  key(use: string): Buffer {
    return Buffer.from(hkdfSync('sha256', this.secret, 'kiro-gateway deployment secret', use, 32));
  }
}
