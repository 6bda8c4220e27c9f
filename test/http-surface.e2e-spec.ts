import { readFileSync } from 'node:fs';
import http, { type IncomingHttpHeaders } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import request from 'supertest';
import { withoutCdnLogo } from '../src/docs/setup-docs';
import { Harness, PROXY_KEY, startHarness } from './support/gateway-harness';

const auth = { Authorization: `Bearer ${PROXY_KEY}` };

/** A GET with the raw body as sent (supertest would decode it). */
function rawGet(url: string, acceptEncoding: string): Promise<{ headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { 'accept-encoding': acceptEncoding } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

describe('HTTP surface (e2e)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ env: { BODY_LIMIT: '50kb' } });
  });
  afterAll(() => h.close());

  describe('docs', () => {
    it('serves Swagger UI at /docs with its assets from the installed package', async () => {
      const page = await request(h.url).get('/docs');
      const bundle = await request(h.url).get('/docs/swagger-ui-bundle.js');

      expect(page.status).toBe(200);
      expect(page.text).toContain('swagger-ui');
      expect(page.text).not.toMatch(/https?:\/\/(?!localhost)[^"']*\.(js|css)/);
      expect(bundle.status).toBe(200);
      expect(bundle.text.length).toBeGreaterThan(100_000);
    });

    it('serves ReDoc at /redoc with a local bundle and no CDN', async () => {
      const page = await request(h.url).get('/redoc');
      const scriptPath = /<script src="([^"]+)"/.exec(page.text)?.[1];
      const bundle = await request(h.url).get(scriptPath ?? '/missing');

      expect(page.status).toBe(200);
      expect(page.text).toContain('<redoc spec-url="/docs-json">');
      expect(page.text).not.toMatch(/https?:\/\//);
      expect(bundle.status).toBe(200);
      expect(bundle.text.length).toBeGreaterThan(500_000);
    });

    it("gives every POST route Try-it-out examples that work as they are", async () => {
      const doc = (await request(h.url).get('/docs-json')).body as {
        paths: Record<string, { post?: { requestBody?: { content: Record<string, { examples?: Record<string, { value: unknown }> }> } } }>;
      };
      const posts = Object.entries(doc.paths).filter(([, operations]) => operations.post?.requestBody);

      expect(posts.map(([path]) => path).sort()).toEqual(['/v1/chat/completions', '/v1/messages', '/v1/messages/count_tokens', '/v1/responses']);
      for (const [path, operations] of posts) {
        const examples = Object.entries(operations.post?.requestBody?.content['application/json']?.examples ?? {});
        expect({ path, hasExamples: examples.length > 0 }).toEqual({ path, hasExamples: true });
        for (const [name, example] of examples) {
          const res = await request(h.url).post(path).set(auth).send(example.value as object);
          expect({ path, name, status: res.status }).toEqual({ path, name, status: 200 });
        }
      }
    });

    it.each([
      // ReDoc's bundle, served without its one CDN reference (Redocly's logo).
      ['/redoc-assets/redoc.standalone.js', 'redoc/bundles/redoc.standalone.js', (text: string) => withoutCdnLogo(text)],
      ['/docs/swagger-ui-bundle.js', 'swagger-ui-dist/swagger-ui-bundle.js', (text: string) => text],
    ])('sends %s compressed when the browser accepts it, the same bytes once decoded', async (path, file, served) => {
      const original = Buffer.from(served(readFileSync(require.resolve(file), 'utf8')));

      const br = await rawGet(`${h.url}${path}`, 'gzip, deflate, br');
      const gz = await rawGet(`${h.url}${path}`, 'gzip');
      const plain = await rawGet(`${h.url}${path}`, 'identity');

      expect(br.headers).toMatchObject({ 'content-encoding': 'br', 'content-type': 'application/javascript; charset=utf-8', vary: 'Accept-Encoding' });
      expect(br.body.length).toBeLessThan(original.length / 3);
      expect(brotliDecompressSync(br.body).equals(original)).toBe(true);
      expect(gz.headers['content-encoding']).toBe('gzip');
      expect(gunzipSync(gz.body).equals(original)).toBe(true);
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.body.equals(original)).toBe(true);
      expect(plain.body.toString('utf8')).not.toContain('cdn.redoc.ly');
    });

    it('documents the chat and models routes with schemas and the auth schemes', async () => {
      const res = await request(h.url).get('/docs-json');

      expect(res.status).toBe(200);
      const doc = res.body as { paths: Record<string, Record<string, { requestBody?: unknown; security?: unknown[] }>>; components: { securitySchemes: Record<string, unknown>; schemas: Record<string, unknown> } };
      expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/chat/completions', '/v1/models', '/v1/models/{model}', '/health']));
      expect(doc.paths['/v1/chat/completions'].post.requestBody).toBeDefined();
      expect(doc.paths['/v1/chat/completions'].post.security).toEqual(expect.arrayContaining([{ 'proxy-key': [] }, { 'x-api-key': [] }]));
      expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['proxy-key', 'x-api-key']);
      expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['ChatCompletionRequestDto', 'ChatCompletionResponseDto', 'ModelListDto']));
    });
  });

  describe('errors in OpenAI\'s envelope', () => {
    it('answers malformed JSON with 400 invalid_json', async () => {
      const res = await request(h.url).post('/v1/chat/completions').set(auth).set('Content-Type', 'application/json').send('{"model": "auto", "messages": [');

      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        error: { message: expect.stringContaining('JSON'), type: 'invalid_request_error', param: null, code: 'invalid_json' },
      });
    });

    it('answers a body over BODY_LIMIT with 413', async () => {
      const res = await request(h.url)
        .post('/v1/chat/completions')
        .set(auth)
        .send({ model: 'auto', messages: [{ role: 'user', content: 'x'.repeat(60_000) }] });

      expect(res.status).toBe(413);
      expect(res.body.error).toMatchObject({ type: 'invalid_request_error', code: 'request_too_large' });
    });

    it.each([
      [{ messages: [{ role: 'user', content: 'x' }] }, 'model'],
      [{ model: 'auto' }, 'messages'],
      [{ model: 'auto', messages: 'hello' }, 'messages'],
      [{ model: 'auto', messages: [{ role: 'user', content: 'x' }], stream: 'yes' }, 'stream'],
      [{ model: 'auto', messages: [{ role: 'user', content: 'x' }], temperature: 5 }, 'temperature'],
      [{ model: 'auto', messages: [{ role: 'user', content: 'x' }], stream_options: { include_usage: 'y' } }, 'stream_options.include_usage'],
      [{ model: 'auto', messages: [{ role: 'wizard', content: 'x' }] }, 'messages[0].role'],
      [{ model: 'auto', messages: [42] }, 'messages[0]'],
    ])('answers %j with 400 naming %s', async (body, param) => {
      const res = await request(h.url).post('/v1/chat/completions').set(auth).send(body);

      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ type: 'invalid_request_error', param });
      expect(typeof res.body.error.message).toBe('string');
    });

    it('answers an unknown route with 404 in OpenAI\'s words', async () => {
      const res = await request(h.url).post('/v1/completions').set(auth).send({});

      expect(res.status).toBe(404);
      expect(res.body).toEqual({
        error: { message: 'Unknown request URL: POST /v1/completions. Please check the URL for typos.', type: 'invalid_request_error', param: null, code: 'not_found' },
      });
    });

    it('reads a JSON body sent without a JSON Content-Type (curl -d)', async () => {
      const res = await request(h.url)
        .post('/v1/chat/completions')
        .set(auth)
        .set('Content-Type', 'application/x-www-form-urlencoded')
        .send('{"model": "auto", "messages": [{"role": "wizard", "content": "x"}]}');

      expect(res.status).toBe(400);
      expect(res.body.error.param).toBe('messages[0].role');
    });

    it('refuses JSON nested too deeply with a 400, not a stack overflow', async () => {
      const deep = `{"model":"auto","messages":[{"role":"user","content":"hi"}],"response_format":${'['.repeat(1500)}${']'.repeat(1500)}}`;

      const res = await request(h.url).post('/v1/chat/completions').set(auth).set('Content-Type', 'application/json').send(deep);

      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ type: 'invalid_request_error', message: 'The JSON body is nested too deeply.' });
      expect(res.headers['x-request-id']).toBeDefined();
    });

    it('answers a corrupt compressed body with a 400', async () => {
      const res = await request(h.url).post('/v1/chat/completions').set(auth).set('Content-Type', 'application/json').set('Content-Encoding', 'gzip').send('not gzip');

      expect(res.status).toBe(400);
      expect(res.body.error.type).toBe('invalid_request_error');
    });

    it('keeps serving after bad input', async () => {
      await request(h.url).post('/v1/chat/completions').set(auth).set('Content-Type', 'application/json').send('{{{');
      const res = await request(h.url).get('/health');

      expect(res.status).toBe(200);
    });
  });

  describe('request tracking', () => {
    it('echoes a client X-Request-ID and reports X-Process-Time', async () => {
      const res = await request(h.url).get('/v1/models').set(auth).set('X-Request-ID', 'abc-123');

      expect(res.headers['x-request-id']).toBe('abc-123');
      expect(res.headers['x-process-time']).toMatch(/^\d+\.\d{4}$/);
    });

    it('hashes no reply for an ETag (a big non-stream answer would be hashed on the event loop)', async () => {
      const models = await request(h.url).get('/v1/models').set(auth);
      const completion = await request(h.url)
        .post('/v1/chat/completions')
        .set(auth)
        .send({ model: 'claude-sonnet-4.5', messages: [{ role: 'user', content: 'Hi' }] });

      expect([models.status, completion.status]).toEqual([200, 200]);
      expect(models.headers.etag).toBeUndefined();
      expect(completion.headers.etag).toBeUndefined();
    });

    it('generates an X-Request-ID, also on refused requests', async () => {
      const res = await request(h.url).get('/v1/models');

      expect(res.status).toBe(401);
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  describe('models, root and health', () => {
    it('lists Kiro\'s live catalog merged with the static names', async () => {
      const res = await request(h.url).get('/v1/models').set(auth);

      const ids = (res.body.data as Array<{ id: string }>).map((m) => m.id);
      expect(ids).toEqual(expect.arrayContaining(['auto', 'claude-sonnet-4.5', 'claude-opus-4.7', 'claude-sonnet-4-5-20250929']));
      expect(res.body.data[0]).toEqual({ id: expect.any(String), object: 'model', created: expect.any(Number), owned_by: expect.any(String) });
      expect(new Set(ids).size).toBe(ids.length);
    });

    it('retrieves one model, and 404s model_not_found for an unknown one', async () => {
      const found = await request(h.url).get('/v1/models/claude-sonnet-4.5').set(auth);
      const missing = await request(h.url).get('/v1/models/gpt-9').set(auth);

      const alias = await request(h.url).get('/v1/models/claude-sonnet-4-5[1m]').set(auth);

      expect(found.body).toMatchObject({ id: 'claude-sonnet-4.5', object: 'model' });
      expect(alias.body).toMatchObject({ id: 'claude-sonnet-4-5[1m]', object: 'model' });
      expect(missing.status).toBe(404);
      expect(missing.body.error).toMatchObject({ code: 'model_not_found', param: 'model' });
    });

    it('answers / with the service identity', async () => {
      const res = await request(h.url).get('/');

      expect(res.body).toEqual({ name: 'kiro-gateway', version: expect.stringMatching(/^\d+\.\d+\.\d+/), status: 'ok', docs: '/docs' });
    });

    it('reports token state and upstream reachability on /health, without secrets', async () => {
      await request(h.url).get('/v1/models').set(auth); // makes the gateway refresh its token
      const res = await request(h.url).get('/health').set(auth);

      expect(res.body).toMatchObject({
        status: 'healthy',
        auth: { mode: 'own-credentials', source: 'REFRESH_TOKEN environment variable', tokenValid: true },
        upstream: { reachable: true },
      });
      expect(JSON.stringify(res.body)).not.toContain('sim-refresh-token');
    });
  });
});
