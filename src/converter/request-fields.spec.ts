import { InvalidRequestError } from '../common/errors';
import { ANTHROPIC_FIELDS, OPENAI_FIELDS, RequestFields, toolDefinition } from './request-fields';

function errorOf(read: () => unknown): InvalidRequestError {
  try {
    read();
  } catch (err) {
    return err as InvalidRequestError;
  }
  throw new Error('expected a 400');
}

describe(RequestFields.name, () => {
  it('words a wrong field as OpenAI does, and as Anthropic does, naming it as the param', () => {
    expect(errorOf(() => OPENAI_FIELDS.string(5, 'messages[0].content'))).toMatchObject({
      status: 400,
      param: 'messages[0].content',
      message: 'messages[0].content must be a non-empty string.',
    });
    expect(errorOf(() => ANTHROPIC_FIELDS.string('', 'messages.0.content'))).toMatchObject({
      status: 400,
      param: 'messages.0.content',
      message: 'messages.0.content: must be a non-empty string',
    });
    expect(ANTHROPIC_FIELDS.string('', 'messages.0.content', true)).toBe('');
  });

  it('reads tool arguments from a JSON string or the object itself, none at all being {}', () => {
    expect(OPENAI_FIELDS.toolArguments('{"a":1}', 'arguments')).toStrictEqual({ a: 1 });
    expect(OPENAI_FIELDS.toolArguments({ a: 1 }, 'arguments')).toStrictEqual({ a: 1 });
    expect(OPENAI_FIELDS.toolArguments('', 'arguments')).toStrictEqual({});
    expect(OPENAI_FIELDS.toolArguments(null, 'arguments')).toStrictEqual({});
  });

  it.each([
    [5, 'arguments must be a JSON string.'],
    ['[1]', 'arguments must encode a JSON object.'],
    ['{"a":', 'arguments is not valid JSON: {"a":'],
    [`{"a":"${'x'.repeat(100)}`, `arguments is not valid JSON: {"a":"${'x'.repeat(74)}…`],
  ])('refuses tool arguments %j', (raw, message) => {
    expect(errorOf(() => OPENAI_FIELDS.toolArguments(raw, 'arguments'))).toMatchObject({ status: 400, param: 'arguments', message });
  });

  it('reads an inline image from its data URL', () => {
    expect(OPENAI_FIELDS.imageUrl('data:image/JPG;base64,QUJD\nREVG', 'image_url')).toStrictEqual({ format: 'jpeg', base64: 'QUJDREVG' });
  });

  it.each([
    [undefined, null],
    ['https://example.com/cat.png', 'image_url_unsupported'],
    ['data:image/tiff;base64,QUJD', 'invalid_image'],
    ['data:image/png,rawbytes', 'invalid_image'],
    ['data:image/png;base64,', 'invalid_image'],
    ['data:image/png;base64,QU=JD', 'invalid_image'],
  ])('refuses the image URL %j (code %s)', (url, code) => {
    expect(errorOf(() => OPENAI_FIELDS.imageUrl(url, 'image_url'))).toMatchObject({ status: 400, param: 'image_url', code });
  });
});

describe(toolDefinition.name, () => {
  it('takes the description and schema only when they are a string and an object', () => {
    expect(toolDefinition('f', 'Finds', { type: 'object' })).toStrictEqual({ name: 'f', description: 'Finds', parameters: { type: 'object' } });
    expect(toolDefinition('f', 5, 'schema')).toStrictEqual({ name: 'f', description: '', parameters: {} });
  });
});
