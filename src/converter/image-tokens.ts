import type { ImageInput } from './conversation';

/** Anthropic bills an image at about width × height / 750 tokens, after scaling to ≤ 1.15 MP. */
const MAX_IMAGE_TOKENS = 1_600;
const HEADER_BYTES = 64 * 1024;

/** Token estimate of an image, from the dimensions in its header (no full decode). */
export function imageTokens(image: ImageInput): number {
  const size = dimensions(image);
  if (!size) return MAX_IMAGE_TOKENS;
  return Math.max(1, Math.min(MAX_IMAGE_TOKENS, Math.ceil((size.width * size.height) / 750)));
}

function dimensions(image: ImageInput): { width: number; height: number } | undefined {
  const bytes = Buffer.from(image.base64.slice(0, Math.ceil((HEADER_BYTES * 4) / 3 / 4) * 4), 'base64');
  try {
    switch (image.format) {
      case 'png':
        return bytes.length >= 24 && bytes.readUInt32BE(0) === 0x89504e47 && bytes.toString('ascii', 12, 16) === 'IHDR'
          ? { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) }
          : undefined;
      case 'gif':
        return bytes.length >= 10 && bytes.toString('ascii', 0, 4) === 'GIF8' ? { width: bytes.readUInt16LE(6), height: bytes.readUInt16LE(8) } : undefined;
      case 'jpeg':
        return jpegDimensions(bytes);
      case 'webp':
        return webpDimensions(bytes);
    }
  } catch {
    return undefined;
  }
}

function jpegDimensions(bytes: Buffer): { width: number; height: number } | undefined {
  let offset = 2;
  while (offset + 9 < bytes.length) {
    if (bytes[offset] !== 0xff) return undefined;
    const marker = bytes[offset + 1];
    const length = bytes.readUInt16BE(offset + 2);
    // SOF0–SOF15 carry the frame size, except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: bytes.readUInt16BE(offset + 5), width: bytes.readUInt16BE(offset + 7) };
    }
    offset += 2 + length;
  }
  return undefined;
}

function webpDimensions(bytes: Buffer): { width: number; height: number } | undefined {
  if (bytes.length < 30 || bytes.toString('ascii', 0, 4) !== 'RIFF') return undefined;
  const chunk = bytes.toString('ascii', 12, 16);
  if (chunk === 'VP8X') return { width: 1 + bytes.readUIntLE(24, 3), height: 1 + bytes.readUIntLE(27, 3) };
  if (chunk === 'VP8 ') return { width: bytes.readUInt16LE(26) & 0x3fff, height: bytes.readUInt16LE(28) & 0x3fff };
  if (chunk === 'VP8L') {
    const bits = bytes.readUInt32LE(21);
    return { width: 1 + (bits & 0x3fff), height: 1 + ((bits >> 14) & 0x3fff) };
  }
  return undefined;
}
