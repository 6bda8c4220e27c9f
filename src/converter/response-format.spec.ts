import { InvalidRequestError } from '../common/errors';
import { anthropicOutputFormat, chatResponseFormat, responsesTextFormat } from './response-format';

const schema = { type: 'object', properties: { name: { type: 'string' } } };

function refusal(read: () => unknown): { message: string; param: string | null } | undefined {
  try {
    read();
    return undefined;
  } catch (err) {
    if (!(err instanceof InvalidRequestError)) throw err;
    return { message: err.message, param: err.param };
  }
}

describe(chatResponseFormat.name, () => {
  it('reads json_schema with its name and description', () => {
    expect(chatResponseFormat({ type: 'json_schema', json_schema: { name: 'person', description: 'Who', schema, strict: true } })).toStrictEqual({
      kind: 'json_schema',
      name: 'person',
      description: 'Who',
      schema,
    });
  });

  it('reads json_object, and text or nothing as free text', () => {
    expect(chatResponseFormat({ type: 'json_object' })).toStrictEqual({ kind: 'json_object' });
    expect(chatResponseFormat({ type: 'text' })).toBeUndefined();
    expect(chatResponseFormat(undefined)).toBeUndefined();
    expect(chatResponseFormat(null)).toBeUndefined();
  });

  it('refuses what it cannot honour, naming the field', () => {
    expect(refusal(() => chatResponseFormat('json'))).toMatchObject({ param: 'response_format' });
    expect(refusal(() => chatResponseFormat({ type: 'grammar' }))).toMatchObject({ param: 'response_format.type', message: expect.stringContaining('"grammar"') });
    expect(refusal(() => chatResponseFormat({ type: 'json_schema' }))).toMatchObject({ param: 'response_format.json_schema' });
    expect(refusal(() => chatResponseFormat({ type: 'json_schema', json_schema: { name: 'x', schema: 'object' } }))).toMatchObject({ param: 'response_format.json_schema.schema' });
  });
});

describe(responsesTextFormat.name, () => {
  it('reads text.format as the Responses API spells it (name and schema beside the type)', () => {
    expect(responsesTextFormat({ format: { type: 'json_schema', name: 'person', schema, strict: true }, verbosity: 'low' })).toStrictEqual({ kind: 'json_schema', name: 'person', schema });
    expect(responsesTextFormat({ format: { type: 'json_object' } })).toStrictEqual({ kind: 'json_object' });
    expect(responsesTextFormat({ format: { type: 'text' } })).toBeUndefined();
    expect(responsesTextFormat({ verbosity: 'medium' })).toBeUndefined();
  });

  it('refuses a malformed format', () => {
    expect(refusal(() => responsesTextFormat({ format: { type: 'json_schema' } }))).toMatchObject({ param: 'text.format.schema' });
    expect(refusal(() => responsesTextFormat('json'))).toMatchObject({ param: 'text' });
  });
});

describe(anthropicOutputFormat.name, () => {
  it('reads output_config.format and the beta output_format', () => {
    expect(anthropicOutputFormat({ output_config: { effort: 'high', format: { type: 'json_schema', schema } } })).toStrictEqual({ kind: 'json_schema', schema });
    expect(anthropicOutputFormat({ output_format: { type: 'json_schema', schema } })).toStrictEqual({ kind: 'json_schema', schema });
    expect(anthropicOutputFormat({ output_config: { effort: 'high' } })).toBeUndefined();
  });

  it('refuses a format other than json_schema', () => {
    expect(refusal(() => anthropicOutputFormat({ output_config: { format: { type: 'json_object' } } }))).toMatchObject({ param: 'output_config.format.type' });
  });
});
