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

/**
 * Kiro wants canonical, padded base64 (the strict validator refuses anything else); clients send
 * line breaks and drop the padding. Undefined when the data is not base64 at all.
 */
export function canonicalBase64(data: string): string | undefined {
  const unpadded = data.replace(/\s+/g, '').replace(/=+$/, '');
  if (!unpadded || !/^[A-Za-z0-9+/]+$/.test(unpadded) || unpadded.length % 4 === 1) return undefined;
  return unpadded.padEnd(Math.ceil(unpadded.length / 4) * 4, '=');
}
