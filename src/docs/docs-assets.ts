import { negotiate } from '@fastify/accept-negotiator';
import type { FastifyInstance } from 'fastify';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** A file's bytes as sent: compressed forms only for text (images are compressed already). */
interface Encoded {
  identity: Buffer;
  br?: Buffer;
  gzip?: Buffer;
}

const CONTENT_TYPES: Readonly<Record<string, { type: string; compress: boolean }>> = {
  '.js': { type: 'application/javascript; charset=utf-8', compress: true },
  '.css': { type: 'text/css; charset=utf-8', compress: true },
  '.png': { type: 'image/png', compress: false },
};

/** A file to serve, and what to change in it first (once, when it is loaded). */
export interface DocsAsset {
  file: string;
  rewrite?: (content: string) => string;
}

/**
 * The docs' files, each under its own path (no directory is served, so no path can reach another
 * file): the large bundles (ReDoc's 1.1 MB, Swagger UI's 1.5 MB) brotli- or gzip-compressed as the
 * client accepts. Each file is read, rewritten if asked, and compressed once, on its first
 * request, in the thread pool (not on the event loop), and the results are kept in memory.
 */
export function serveDocsAssets(fastify: FastifyInstance, files: Readonly<Record<string, string | DocsAsset>>): void {
  for (const [path, entry] of Object.entries(files)) {
    const asset = typeof entry === 'string' ? { file: entry } : entry;
    const kind = CONTENT_TYPES[extname(asset.file)] ?? { type: 'application/octet-stream', compress: false };
    let encoded: Promise<Encoded> | undefined;
    const load = (): Promise<Encoded> => {
      if (!encoded) {
        encoded = encode(asset, kind.compress);
        // A failed read is retried on the next request rather than cached.
        encoded.catch(() => (encoded = undefined));
      }
      return encoded;
    };
    fastify.get(path, async (request, reply) => {
      const { identity, br, gzip } = await load();
      // The client's preferred acceptable encoding (q=0 left out); brotli first when both are fine.
      const encoding = kind.compress ? negotiate(request.headers['accept-encoding'] ?? '', ['br', 'gzip']) : null;
      const body = (encoding === 'br' ? br : encoding === 'gzip' ? gzip : undefined) ?? identity;
      reply.header('Content-Type', kind.type);
      reply.header('Cache-Control', 'public, max-age=86400');
      if (kind.compress) reply.header('Vary', 'Accept-Encoding');
      if (encoding) reply.header('Content-Encoding', encoding);
      return reply.send(body);
    });
  }
}

async function encode({ file, rewrite }: DocsAsset, compress: boolean): Promise<Encoded> {
  const read = await readFile(file);
  const identity = rewrite ? Buffer.from(rewrite(read.toString('utf8'))) : read;
  if (!compress) return { identity };
  const [br, gz] = await Promise.all([
    // Quality 9: within 10% of the maximum's size at a fifteenth of its time (measured on ReDoc).
    brotli(identity, { params: { [constants.BROTLI_PARAM_QUALITY]: 9, [constants.BROTLI_PARAM_SIZE_HINT]: identity.length } }),
    gzipAsync(identity, { level: 9 }),
  ]);
  return { identity, br, gzip: gz };
}
