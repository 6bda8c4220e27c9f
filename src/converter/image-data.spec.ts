import { canonicalBase64, imageFormat, imageFromDataUrl } from './image-data';

/** The implementation this replaced (quadratic on a run of `=` that does not end the string), kept as the reference. */
function regexReference(data: string): string | undefined {
  const unpadded = data.replace(/\s+/g, '').replace(/=+$/, '');
  if (!unpadded || !/^[A-Za-z0-9+/]+$/.test(unpadded) || unpadded.length % 4 === 1) return undefined;
  return unpadded.padEnd(Math.ceil(unpadded.length / 4) * 4, '=');
}

describe(canonicalBase64.name, () => {
  it.each([
    ['QUJD', 'QUJD'],
    ['QUI=', 'QUI='],
    ['QUI', 'QUI='],
    ['QQ', 'QQ=='],
    ['QUJD\nREVG\r\n', 'QUJDREVG'],
    ['QUI====', 'QUI='],
  ])('makes %j canonical: %j', (input, expected) => {
    expect(canonicalBase64(input)).toBe(expected);
  });

  it.each(['', '====', 'Q', 'QUJD!', 'QU=JD', '=A', '***'])('refuses %j', (input) => {
    expect(canonicalBase64(input)).toBeUndefined();
  });

  it('refuses a long run of "=" that does not end the data, without backtracking over it', () => {
    // 150,000 `=` then `A` held the event loop for seconds with /=+$/ (a million: hours); this returns at once.
    expect(canonicalBase64(`${'='.repeat(1_000_000)}A`)).toBeUndefined();
  });

  it('agrees with the regex implementation on random short inputs', () => {
    const alphabet = 'AB+/=\n ab09*';
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let i = 0; i < 5_000; i++) {
      const input = Array.from({ length: Math.floor(random() * 12) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      expect([input, canonicalBase64(input)]).toEqual([input, regexReference(input)]);
    }
  });
});

describe(imageFormat.name, () => {
  it('maps MIME types, and nothing inherited', () => {
    expect(imageFormat('image/JPG')).toBe('jpeg');
    expect(imageFormat('constructor')).toBeUndefined();
  });
});

describe(imageFromDataUrl.name, () => {
  it.each([
    ['data:image/png;base64,QUJD', { format: 'png', base64: 'QUJD' }],
    ['DATA:image/JPEG;BASE64,QUI', { format: 'jpeg', base64: 'QUI=' }],
    ['data:image/webp;base64,QUJD\r\nREVG', { format: 'webp', base64: 'QUJDREVG' }],
  ])('reads %j', (url, image) => {
    expect(imageFromDataUrl(url)).toStrictEqual(image);
  });

  it.each(['data:text/plain;base64,QUJD', 'data:image/png,QUJD', 'data:image/png;base64,', 'data:;base64,QUJD', 'https://x/y.png', `data:${'a'.repeat(200)};base64,QUJD`])('refuses %j', (url) => {
    expect(imageFromDataUrl(url)).toBeUndefined();
  });

  it('refuses a long run of "=" that does not end the data, at once', () => {
    expect(imageFromDataUrl(`data:image/png;base64,${'='.repeat(1_000_000)}A`)).toBeUndefined();
  });
});
