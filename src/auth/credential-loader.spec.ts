import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseGatewayEnv } from '../config/env.schema';
import { loadGatewayCredential } from './credential-loader';
import { CredentialSourceError } from './credential-source.error';

const CREDS_FIX = 'correct it, or unset KIRO_CREDS_FILE to use REFRESH_TOKEN or a Kiro IDE / kiro-cli login instead';
const IDE_FIX = 'log in to Kiro again (the IDE rewrites the file), or set KIRO_CREDS_FILE or REFRESH_TOKEN to use another login';

/** A port nothing listens on (just released by the OS). */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe(loadGatewayCredential.name, () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kiro-creds-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function load(env: Record<string, string>): Promise<unknown> {
    return loadGatewayCredential(parseGatewayEnv({ PROXY_API_KEY: 'k', KIRO_HOME: join(dir, 'no-home'), ...env }));
  }

  function credsFile(content: string): string {
    const path = join(dir, 'creds.json');
    writeFileSync(path, content);
    return path;
  }

  it.each([
    ['a truncated file', '{"refreshToken": "aor-secret",\n  "expiresAt": "2030-', 'is not valid JSON: it ends too early, at line 2, column 22 (cut short?);'],
    ['JSON without a refresh token', '{"foo": 1}', 'has no refreshToken (a Kiro login file has refreshToken, accessToken, expiresAt, profileArn):'],
    ['a JSON array', '[{"refreshToken": "aor-secret"}]', 'holds an array, not a JSON object with a refreshToken:'],
  ])('names KIRO_CREDS_FILE and the fix for %s, without its content', async (_case, content, problem) => {
    const path = credsFile(content);

    const attempt = load({ KIRO_CREDS_FILE: path });

    await expect(attempt).rejects.toThrow(new CredentialSourceError(`KIRO_CREDS_FILE (${path}) ${problem} ${CREDS_FIX}`));
    await expect(attempt).rejects.not.toThrow(/aor-secret/);
  });

  it('says a KIRO_CREDS_FILE that is not there does not exist', async () => {
    const path = join(dir, 'missing.json');

    await expect(load({ KIRO_CREDS_FILE: path })).rejects.toThrow(new CredentialSourceError(`KIRO_CREDS_FILE (${path}) does not exist: ${CREDS_FIX}`));
  });

  it('says a KIRO_CREDS_FILE that is a directory is not a file', async () => {
    await expect(load({ KIRO_CREDS_FILE: dir })).rejects.toThrow(new CredentialSourceError(`KIRO_CREDS_FILE (${dir}) is a directory, not a file: ${CREDS_FIX}`));
  });

  it('names a KIRO_CREDS_FILE URL by its origin only, never its path or query', async () => {
    const port = await closedPort();

    const attempt = load({ KIRO_CREDS_FILE: `http://127.0.0.1:${port}/creds.json?token=aor-secret` });

    await expect(attempt).rejects.toThrow(
      new CredentialSourceError(
        `KIRO_CREDS_FILE (http://127.0.0.1:${port}) cannot be fetched (ECONNREFUSED): check the URL, or unset KIRO_CREDS_FILE to use REFRESH_TOKEN or a Kiro IDE / kiro-cli login instead`,
      ),
    );
  });

  it('names a malformed Kiro IDE login and how to replace it', async () => {
    const cache = join(dir, 'home', '.aws', 'sso', 'cache');
    mkdirSync(cache, { recursive: true });
    const path = join(cache, 'kiro-auth-token.json');
    writeFileSync(path, '{"accessToken": "aoa-secret", "refreshToken": ');

    const attempt = loadGatewayCredential(parseGatewayEnv({ PROXY_API_KEY: 'k', KIRO_HOME: join(dir, 'home') }));

    await expect(attempt).rejects.toThrow(
      new CredentialSourceError(`The Kiro IDE login at ${path} is not valid JSON: it ends too early, at line 1, column 47 (cut short?); ${IDE_FIX}`),
    );
  });

  it('treats a home without a Kiro login as no credentials (multi-tenant-only)', async () => {
    await expect(load({})).resolves.toBeUndefined();
  });
});
