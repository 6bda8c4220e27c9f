import { constants } from 'node:fs';
import { chmod, lstat, mkdir, open, readdir, rmdir, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { redactSecrets } from '../common/errors';
import type { RequestRecorder } from '../common/request-context';
import { gatewayConfig, type GatewayConfig } from '../config/gateway.config';
import { MetricsService } from '../metrics/metrics.service';

/** Each part of a dump is cut at this size. */
const MAX_PART_BYTES = 5 * 1024 * 1024;
/** The newest dumps kept; older ones are deleted as new ones are written. */
const MAX_DUMPS = 200;
/** Dumps waiting to be written at most: a burst beyond is dropped (and counted), not held in memory. */
export const MAX_PENDING_DUMPS = 16;
/** The parts of a dump, the only files the gateway ever deletes. */
const PART_NAMES = ['client-request.json', 'kiro-request.json', 'kiro-response.bin', 'client-response.txt', 'meta.json'] as const;
/** `<ISO time with - for : and .>-<request id>`: the names of the directories the gateway writes. */
const DUMP_DIRECTORY = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z-[A-Za-z0-9._:-]{1,128}$/;
/** The admin console shows at most this much of each body. */
export const MAX_SHOWN_BODY_BYTES = 64 * 1024;
/** How long the console waits for a dump still being written. */
const PENDING_WAIT_MS = 2_000;

/** One body of a dump as the console shows it: its start, redacted as the dump is. */
export interface DumpBody {
  text: string;
  /** Cut at {@link MAX_SHOWN_BODY_BYTES} here (the file holds more). */
  truncated: boolean;
}

export interface DumpBodies {
  request: DumpBody;
  response: DumpBody;
}

/**
 * DEBUG_MODE: `all` writes every request, `errors` only failed ones (an error status or a stream
 * that ended with an error), into DEBUG_DIR/<time>-<request id>/: the client request, the Kiro
 * request, Kiro's raw response bytes and the client response. Credentials are redacted and image
 * bytes replaced by their size. Prompts are inside: directories are 0700 and files 0600, created
 * exclusively (never through a file or link that was already there). Clean-up deletes only
 * directories the gateway names and files it writes, so a DEBUG_DIR shared with anything else
 * (even `.`) loses nothing else.
 */
@Injectable()
export class DebugDumps {
  private readonly logger = new Logger('DebugDumps');
  private writing: Promise<void> = Promise.resolve();
  private pending = 0;

  constructor(
    @Inject(gatewayConfig.KEY) private readonly config: GatewayConfig,
    @Optional() private readonly metrics?: MetricsService,
  ) {}

  get enabled(): boolean {
    return this.config.logging.debugMode !== 'off';
  }

  /**
   * The client request and response of one dump (the request log's detail view), each cut at
   * {@link MAX_SHOWN_BODY_BYTES}: undefined when DEBUG_MODE is off, the name is not one the
   * gateway gives, or the dump is gone (pruned, or written by another replica elsewhere).
   */
  async bodies(dump: string): Promise<DumpBodies | undefined> {
    if (!this.enabled || !DUMP_DIRECTORY.test(dump)) return undefined;
    // A dump queued a moment ago is waited for, briefly.
    await Promise.race([this.writing, new Promise((resolve) => setTimeout(resolve, PENDING_WAIT_MS).unref())]);
    const dir = join(this.config.logging.debugDir, dump);
    const stat = await lstat(dir).catch(() => undefined);
    if (!stat?.isDirectory()) return undefined;
    const [request, response] = await Promise.all([readStart(join(dir, 'client-request.json')), readStart(join(dir, 'client-response.txt'))]);
    return request && response ? { request, response } : undefined;
  }

  /** A recorder for one request, or undefined when DEBUG_MODE is off. */
  start(requestId: string, secrets: () => readonly string[]): DebugRecording | undefined {
    if (this.config.logging.debugMode === 'off') return undefined;
    return new DebugRecording(requestId, secrets(), (recording, status) => this.finish(recording, status));
  }

  /** Resolves once every dump queued so far is written (or failed). */
  idle(): Promise<void> {
    return this.writing;
  }

  /** Queues the dump's write; its directory's name, or undefined when none is written. */
  private finish(recording: DebugRecording, status: number): string | undefined {
    const failed = status >= 400 || recording.failed;
    if (this.config.logging.debugMode === 'errors' && !failed) return undefined;
    if (this.pending >= MAX_PENDING_DUMPS) {
      this.metrics?.debugDumpsDropped.inc();
      this.logger.warn(`Dropped the debug dump of ${recording.requestId}: ${MAX_PENDING_DUMPS} are still waiting to be written`);
      return undefined;
    }
    this.pending++;
    const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${recording.requestId}`;
    // One write at a time: dumps are diagnostics, never a reason to load the disk in parallel.
    this.writing = this.writing
      .then(() => this.write(recording, status, name))
      .catch((err: unknown) => this.logger.warn(`Could not write a debug dump: ${(err as Error).message}`))
      .finally(() => {
        this.pending--;
      });
    return name;
  }

  private async write(recording: DebugRecording, status: number, name: string): Promise<void> {
    const root = this.config.logging.debugDir;
    const dir = join(root, name);
    await mkdir(root, { recursive: true, mode: 0o700 });
    await mkdir(dir, { mode: 0o700 });
    await chmod(dir, 0o700); // whatever the umask
    const { 'meta.json': meta, ...parts } = recording.parts(status);
    const write = (name: string, content: string | Buffer) => writeFile(join(dir, name), content, { mode: 0o600, flag: 'wx' });
    await Promise.all(Object.entries(parts).map(([name, content]) => write(name, content)));
    // Last, so that a dump with meta.json is complete.
    await write('meta.json', meta);
    await pruneDumps(root, MAX_DUMPS);
  }
}

/** Deletes the oldest dump directories beyond `keep`: only those the gateway names, only its files. */
export async function pruneDumps(root: string, keep: number): Promise<void> {
  const dumps = (await readdir(root)).filter((name) => DUMP_DIRECTORY.test(name)).sort();
  for (const name of dumps.slice(0, Math.max(0, dumps.length - keep))) {
    const dir = join(root, name);
    const stat = await lstat(dir).catch(() => undefined);
    if (!stat?.isDirectory()) continue; // a link or a file of that name is not ours to follow
    await Promise.all(PART_NAMES.map((part) => unlink(join(dir, part)).catch(() => undefined)));
    // Anything else put in there stays, and so does the directory holding it.
    await rmdir(dir).catch(() => undefined);
  }
}

/** Collects one request's parts in memory (each capped) until the response ends. */
export class DebugRecording implements RequestRecorder {
  failed = false;
  private clientRequestBody: unknown;
  private kiroRequestBody = '';
  private readonly kiroResponse = new CappedBuffer();
  private readonly clientResponse = new CappedBuffer();

  constructor(
    readonly requestId: string,
    private readonly secrets: readonly string[],
    private readonly onFinish: (recording: DebugRecording, status: number) => string | undefined,
  ) {}

  clientRequest(method: string, path: string, body: unknown): void {
    this.clientRequestBody = { method, path, body };
  }

  kiroRequest(body: string): void {
    this.kiroRequestBody = body;
  }

  kiroResponseChunk(bytes: Uint8Array): void {
    this.kiroResponse.add(bytes);
  }

  clientResponseChunk(chunk: unknown): void {
    if (typeof chunk === 'string' || chunk instanceof Uint8Array) this.clientResponse.add(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  }

  markFailed(): void {
    this.failed = true;
  }

  /** The response ended: the dump is queued; its directory's name, or undefined when none is written. */
  finish(status: number): string | undefined {
    return this.onFinish(this, status);
  }

  parts(status: number): Record<string, string | Buffer> {
    return {
      'client-request.json': this.clean(JSON.stringify(this.clientRequestBody ?? null, null, 2)),
      'kiro-request.json': this.clean(this.kiroRequestBody ? JSON.stringify(JSON.parse(this.kiroRequestBody), null, 2) : 'null'),
      'kiro-response.bin': this.kiroResponse.bytes(),
      'client-response.txt': this.clean(this.clientResponse.bytes().toString('utf8')),
      'meta.json': JSON.stringify({ requestId: this.requestId, status, failed: this.failed, truncated: this.kiroResponse.truncated || this.clientResponse.truncated }, null, 2),
    };
  }

  /** Secrets out, image bytes replaced by their size; cut first, so a 20 MB body is not scanned whole. */
  private clean(full: string): string {
    const text = full.length > MAX_PART_BYTES ? full.slice(0, MAX_PART_BYTES) : full;
    const withoutImages = text
      .replace(/("bytes"\s*:\s*")([A-Za-z0-9+/=]{64,})"/g, (_m, head: string, data: string) => `${head}[base64 image, ${data.length} chars]"`)
      .replace(/data:image\/[a-z]+;base64,[A-Za-z0-9+/=]{64,}/g, (m) => `data:image;base64,[${m.length} chars]`);
    return redactSecrets(withoutImages, this.secrets).slice(0, MAX_PART_BYTES);
  }
}

/** The first {@link MAX_SHOWN_BODY_BYTES} of a file the gateway wrote (never through a link); undefined if it is not there. */
async function readStart(path: string): Promise<DumpBody | undefined> {
  const file = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW).catch(() => undefined);
  if (!file) return undefined;
  try {
    const buffer = Buffer.alloc(MAX_SHOWN_BODY_BYTES + 1);
    const { bytesRead } = await file.read(buffer, 0, buffer.length, 0);
    const truncated = bytesRead > MAX_SHOWN_BODY_BYTES;
    // Cut on a character boundary: a multi-byte character split at the end is dropped.
    return { text: new TextDecoder('utf-8', { fatal: false }).decode(buffer.subarray(0, Math.min(bytesRead, MAX_SHOWN_BODY_BYTES))).replace(/\uFFFD$/, ''), truncated };
  } finally {
    await file.close();
  }
}

class CappedBuffer {
  truncated = false;
  private readonly chunks: Buffer[] = [];
  private size = 0;

  add(bytes: Uint8Array): void {
    if (this.size >= MAX_PART_BYTES) {
      this.truncated = true;
      return;
    }
    const take = Math.min(bytes.length, MAX_PART_BYTES - this.size);
    this.chunks.push(Buffer.from(bytes.subarray(0, take)));
    this.size += take;
    if (take < bytes.length) this.truncated = true;
  }

  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}
