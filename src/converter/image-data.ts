import type { ImageInput } from './conversation';

/** The image media types Kiro takes, by MIME type (kiro-protocol.md §2.3). */
const IMAGE_FORMATS = new Map<string, ImageInput['format']>([
  ['image/png', 'png'],
  ['image/jpeg', 'jpeg'],
  ['image/jpg', 'jpeg'],
  ['image/gif', 'gif'],
  ['image/webp', 'webp'],
]);

/** Kiro's image format for a MIME type, or undefined (a Map: no inherited keys like `constructor`). */
export function imageFormat(mediaType: string): ImageInput['format'] | undefined {
  return IMAGE_FORMATS.get(mediaType.toLowerCase());
}

const CANONICAL = /^[A-Za-z0-9+/]+={0,2}$/;
const BASE64_BODY = /^[A-Za-z0-9+/]+$/;
const EQUALS = 0x3d;

/**
 * Kiro wants canonical, padded base64 (the strict validator refuses anything else); clients send
 * line breaks and drop the padding. Undefined when the data is not base64 at all. Linear: the
 * padding is cut by a loop from the end, not by `/=+$/`, which backtracks over every `=` of a run
 * that does not end the string (150,000 `=` then `A` held the event loop for seconds).
 */
export function canonicalBase64(data: string): string | undefined {
  // Most clients send it canonical already: one regex pass, no copy.
  if (CANONICAL.test(data) && data.length % 4 === 0) return data;
  const compact = data.replace(/\s+/g, '');
  let end = compact.length;
  while (end > 0 && compact.charCodeAt(end - 1) === EQUALS) end--;
  const unpadded = compact.slice(0, end);
  if (!unpadded || !BASE64_BODY.test(unpadded) || unpadded.length % 4 === 1) return undefined;
  return unpadded.padEnd(Math.ceil(unpadded.length / 4) * 4, '=');
}

/** `data:<media type>;base64,<data>`: the prefix is matched alone, never a regex over the bytes. */
const DATA_URL_PREFIX = /^data:([^;,]{1,100});base64,/i;

/** The image a `data:` URL holds, or undefined unless it is base64 of a type Kiro takes. */
export function imageFromDataUrl(url: string): ImageInput | undefined {
  const prefix = DATA_URL_PREFIX.exec(url);
  const format = prefix ? imageFormat(prefix[1]) : undefined;
  const base64 = prefix && format ? canonicalBase64(url.slice(prefix[0].length)) : undefined;
  return format && base64 ? { format, base64 } : undefined;
}
