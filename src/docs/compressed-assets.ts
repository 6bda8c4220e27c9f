import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

interface Encoded {
  identity: Buffer;
  br: Buffer;
  gzip: Buffer;
}

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'application/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** A file to serve compressed, and what to change in it first (once, when it is loaded). */
export interface CompressedAsset {
  file: string;
  rewrite?: (content: string) => string;
}

/**
 * The docs' large bundles (ReDoc's 1.1 MB, Swagger UI's 1.5 MB) sent brotli- or gzip-compressed:
 * each file is read, rewritten if asked, and compressed once, on its first request, in the thread
 * pool (not on the event loop), and the results are kept in memory. Other paths fall through.
 */
export function compressedAssets(files: Readonly<Record<string, string | CompressedAsset>>): RequestHandler {
  const cache = new Map<string, Promise<Encoded>>();
  const load = (path: string, asset: CompressedAsset): Promise<Encoded> => {
    let encoded = cache.get(path);
    if (!encoded) {
      encoded = encode(asset);
      // A failed read is retried on the next request rather than cached.
      encoded.catch(() => cache.delete(path));
      cache.set(path, encoded);
    }
    return encoded;
  };
  return (req: Request, res: Response, next: NextFunction) => {
    const entry = files[req.path];
    if (!entry || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
    const asset = typeof entry === 'string' ? { file: entry } : entry;
    const file = asset.file;
    load(req.path, asset).then(
      (encoded) => {
        // The client's acceptable encodings (q=0 left out); brotli first when both are fine.
        const accepted = req.acceptsEncodings();
        const encoding = accepted.includes('br') ? 'br' : accepted.includes('gzip') ? 'gzip' : 'identity';
        const body = encoding === 'br' ? encoded.br : encoding === 'gzip' ? encoded.gzip : encoded.identity;
        res.setHeader('Content-Type', CONTENT_TYPES[extname(file)] ?? 'application/octet-stream');
        res.setHeader('Vary', 'Accept-Encoding');
        res.setHeader('Cache-Control', 'public, max-age=86400');
        if (encoding === 'br' || encoding === 'gzip') res.setHeader('Content-Encoding', encoding);
        res.setHeader('Content-Length', body.length);
        if (req.method === 'HEAD') res.end();
        else res.end(body);
      },
      (err: unknown) => next(err),
    );
  };
}

async function encode({ file, rewrite }: CompressedAsset): Promise<Encoded> {
  const read = await readFile(file);
  const identity = rewrite ? Buffer.from(rewrite(read.toString('utf8'))) : read;
  const [br, gz] = await Promise.all([
    // Quality 9: within 10% of the maximum's size at a fifteenth of its time (measured on ReDoc).
    brotli(identity, { params: { [constants.BROTLI_PARAM_QUALITY]: 9, [constants.BROTLI_PARAM_SIZE_HINT]: identity.length } }),
    gzipAsync(identity, { level: 9 }),
  ]);
  return { identity, br, gzip: gz };
}
