import type { ChatCompletionChunk } from './chat-completion.types';

/**
 * Serialises one stream's chunks. Everything but the delta is the same in every chunk of a
 * stream, so it is serialised once: the benchmark showed JSON.stringify of whole chunks as a hot
 * spot on long answers. Chunks of other shapes (the usage chunk) take the plain path.
 */
export class ChunkSerializer {
  private id: string | undefined;
  private prefix = '';

  serialize(chunk: ChatCompletionChunk): string {
    const choice = chunk.choices.length === 1 ? chunk.choices[0] : undefined;
    if (!choice || (chunk.usage !== undefined && chunk.usage !== null)) return JSON.stringify(chunk);
    if (chunk.id !== this.id) {
      this.id = chunk.id;
      const head = JSON.stringify({ id: chunk.id, object: chunk.object, created: chunk.created, model: chunk.model, system_fingerprint: chunk.system_fingerprint });
      this.prefix = `${head.slice(0, -1)},"choices":[{"index":0,"delta":`;
    }
    const finish = choice.finish_reason === null ? 'null' : `"${choice.finish_reason}"`;
    const usage = chunk.usage === null ? ',"usage":null' : '';
    return `${this.prefix}${JSON.stringify(choice.delta)},"logprobs":null,"finish_reason":${finish}}]${usage}}`;
  }
}
