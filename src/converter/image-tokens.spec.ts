import type { ImageInput } from './conversation';
import { imageTokens } from './image-tokens';

function u16be(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

function u16le(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
}

function u24le(n: number): Buffer {
  const b = Buffer.alloc(3);
  b.writeUIntLE(n, 0, 3);
  return b;
}

function u32be(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

function u32le(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

function image(format: ImageInput['format'], bytes: Buffer): ImageInput {
  return { format, base64: bytes.toString('base64') };
}

/** PNG signature + IHDR chunk (8-bit RGB) + IEND. */
function png(width: number, height: number): Buffer {
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    u32be(13),
    Buffer.from('IHDR', 'ascii'),
    u32be(width),
    u32be(height),
    Buffer.from([8, 2, 0, 0, 0]),
    Buffer.from([0xde, 0xad, 0xbe, 0xef]),
    u32be(0),
    Buffer.from('IEND', 'ascii'),
    Buffer.from([0xae, 0x42, 0x60, 0x82]),
  ]);
}

/** GIF89a logical screen descriptor + trailer. */
function gif(width: number, height: number): Buffer {
  return Buffer.concat([Buffer.from('GIF89a', 'ascii'), u16le(width), u16le(height), Buffer.from([0x00, 0x00, 0x00, 0x3b])]);
}

/** SOI, APP0 (JFIF), DHT, then a start-of-frame with the given marker, then SOS. */
function jpeg(width: number, height: number, sofMarker = 0xc0): Buffer {
  const app0 = Buffer.concat([Buffer.from([0xff, 0xe0]), u16be(16), Buffer.from('JFIF\0', 'ascii'), Buffer.from([1, 1, 0, 0, 1, 0, 1, 0, 0])]);
  const dht = Buffer.concat([Buffer.from([0xff, 0xc4]), u16be(20), Buffer.alloc(18)]);
  const sof = Buffer.concat([Buffer.from([0xff, sofMarker]), u16be(17), Buffer.from([8]), u16be(height), u16be(width), Buffer.from([3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1])]);
  const sos = Buffer.concat([Buffer.from([0xff, 0xda]), u16be(12), Buffer.from([3, 1, 0, 2, 0x11, 3, 0x11, 0, 0x3f, 0])]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, dht, sof, sos, Buffer.from([0xff, 0xd9])]);
}

function riff(chunk: string, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from('RIFF', 'ascii'), u32le(4 + 8 + payload.length), Buffer.from('WEBP', 'ascii'), Buffer.from(chunk, 'ascii'), u32le(payload.length), payload]);
}

/** Extended WebP: VP8X with the canvas size stored minus one. */
function webpVp8x(width: number, height: number): Buffer {
  return riff('VP8X', Buffer.concat([Buffer.from([0x10, 0, 0, 0]), u24le(width - 1), u24le(height - 1)]));
}

/** Lossy WebP: frame tag, start code 9d 01 2a, 14-bit width and height. */
function webpVp8(width: number, height: number): Buffer {
  return riff('VP8 ', Buffer.concat([Buffer.from([0x50, 0x02, 0x00, 0x9d, 0x01, 0x2a]), u16le(width), u16le(height), Buffer.alloc(10)]));
}

/** Lossless WebP: signature 0x2f, then width-1 and height-1 in 14 bits each. */
function webpVp8l(width: number, height: number): Buffer {
  return riff('VP8L', Buffer.concat([Buffer.from([0x2f]), u32le((width - 1) | ((height - 1) << 14)), Buffer.alloc(10)]));
}

describe(imageTokens.name, () => {
  it('estimates a 1000×500 PNG from its IHDR at ceil(500000/750) tokens', () => {
    expect(imageTokens(image('png', png(1000, 500)))).toBe(667);
  });

  it('estimates a 300×200 GIF from its screen descriptor', () => {
    expect(imageTokens(image('gif', gif(300, 200)))).toBe(80);
  });

  it('estimates a 640×480 baseline JPEG from its SOF0 segment, skipping APP0 and DHT', () => {
    expect(imageTokens(image('jpeg', jpeg(640, 480)))).toBe(410);
  });

  it('estimates a 640×480 progressive JPEG from its SOF2 segment', () => {
    expect(imageTokens(image('jpeg', jpeg(640, 480, 0xc2)))).toBe(410);
  });

  it('estimates an 800×600 extended WebP from its VP8X canvas size', () => {
    expect(imageTokens(image('webp', webpVp8x(800, 600)))).toBe(640);
  });

  it('estimates a 400×300 lossy WebP from its VP8 frame header', () => {
    expect(imageTokens(image('webp', webpVp8(400, 300)))).toBe(160);
  });

  it('estimates a 100×100 lossless WebP from its VP8L header', () => {
    expect(imageTokens(image('webp', webpVp8l(100, 100)))).toBe(14);
  });

  it('counts a 1×1 image as one token', () => {
    expect(imageTokens(image('png', png(1, 1)))).toBe(1);
  });

  it('caps a large image at 1600 tokens', () => {
    expect(imageTokens(image('png', png(4000, 3000)))).toBe(1600);
  });

  it('estimates 1600 for data too short to hold a header', () => {
    expect(imageTokens({ format: 'png', base64: 'AAAA' })).toBe(1600);
  });

  it('estimates 1600 for a JPEG whose segments do not start with 0xFF', () => {
    expect(imageTokens(image('jpeg', Buffer.concat([Buffer.from([0xff, 0xd8]), Buffer.alloc(40)])))).toBe(1600);
  });

  it('estimates 1600 for a WebP with an unknown chunk', () => {
    expect(imageTokens(image('webp', riff('ABCD', Buffer.alloc(20))))).toBe(1600);
  });

  it('estimates 1600 for bytes labelled png that are not a PNG', () => {
    expect(imageTokens(image('png', Buffer.alloc(64)))).toBe(1600);
  });

  it('estimates 1600 for bytes labelled gif that are not a GIF', () => {
    expect(imageTokens(image('gif', Buffer.alloc(64)))).toBe(1600);
  });
});
