import { repairToolSchema } from './tool-schema';

describe(repairToolSchema.name, () => {
  it('keeps a valid schema as it is', () => {
    const schema = { type: 'object', properties: { city: { type: 'string', description: 'City name' } }, required: ['city'] };

    expect(repairToolSchema(schema)).toStrictEqual({
      type: 'object',
      properties: { city: { type: 'string', description: 'City name' } },
      required: ['city'],
    });
  });

  it('removes a null required', () => {
    expect(repairToolSchema({ type: 'object', properties: {}, required: null })).toStrictEqual({ type: 'object', properties: {} });
  });

  it('replaces a null properties with an empty object at the root', () => {
    expect(repairToolSchema({ type: 'object', properties: null })).toStrictEqual({ type: 'object', properties: {} });
  });

  it('adds type object and empty properties to an empty schema', () => {
    expect(repairToolSchema({})).toStrictEqual({ type: 'object', properties: {} });
  });

  it('adds type object when the root type is missing', () => {
    expect(repairToolSchema({ properties: { q: { type: 'string' } } })).toStrictEqual({
      properties: { q: { type: 'string' } },
      type: 'object',
    });
  });

  it('replaces a null root type with object', () => {
    expect(repairToolSchema({ type: null, properties: {} })).toStrictEqual({ properties: {}, type: 'object' });
  });

  it('replaces a non-string root type with object', () => {
    expect(repairToolSchema({ type: ['object', 'null'], properties: {} })).toStrictEqual({ type: 'object', properties: {} });
  });

  it.each([[undefined], [null], ['a string'], [[{ type: 'object' }]], [42]])('turns the non-object schema %p into an empty object schema', (schema) => {
    expect(repairToolSchema(schema)).toStrictEqual({ type: 'object', properties: {} });
  });

  it('keeps only string entries of required', () => {
    expect(repairToolSchema({ type: 'object', properties: {}, required: ['a', 1, null, 'b'] })).toStrictEqual({
      type: 'object',
      properties: {},
      required: ['a', 'b'],
    });
  });

  it('drops a required that is not an array', () => {
    expect(repairToolSchema({ type: 'object', properties: {}, required: 'a' })).toStrictEqual({ type: 'object', properties: {} });
  });

  it('repairs nested property schemas', () => {
    const schema = {
      type: 'object',
      properties: {
        options: { type: 'object', properties: null, required: null },
        tags: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } }, required: [null, 'name'] } },
      },
    };

    expect(repairToolSchema(schema)).toStrictEqual({
      type: 'object',
      properties: {
        options: { type: 'object' },
        tags: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } },
      },
    });
  });

  it('turns a property whose schema is not an object into an empty schema', () => {
    expect(repairToolSchema({ type: 'object', properties: { a: null, b: true } })).toStrictEqual({
      type: 'object',
      properties: { a: {}, b: {} },
    });
  });

  it('removes a null items', () => {
    expect(repairToolSchema({ type: 'object', properties: { list: { type: 'array', items: null } } })).toStrictEqual({
      type: 'object',
      properties: { list: { type: 'array' } },
    });
  });

  it('repairs schemas inside anyOf, oneOf and allOf and drops non-object members', () => {
    const schema = {
      type: 'object',
      properties: {
        value: { anyOf: [{ type: 'string' }, { type: 'object', required: null }, null] },
        mode: { oneOf: [{ const: 'a' }, 'b'] },
        both: { allOf: [{ type: 'object', properties: null }] },
      },
    };

    expect(repairToolSchema(schema)).toStrictEqual({
      type: 'object',
      properties: {
        value: { anyOf: [{ type: 'string' }, { type: 'object' }] },
        mode: { oneOf: [{ const: 'a' }] },
        both: { allOf: [{ type: 'object' }] },
      },
    });
  });

  it('repairs schemas inside additionalProperties and not', () => {
    const schema = {
      type: 'object',
      properties: {},
      additionalProperties: { type: 'object', required: null },
      not: { required: null, type: 'object' },
    };

    expect(repairToolSchema(schema)).toStrictEqual({
      type: 'object',
      properties: {},
      additionalProperties: { type: 'object' },
      not: { type: 'object' },
    });
  });

  it('keeps $schema, additionalProperties false, anyOf and not as the real IDE sends them', () => {
    const schema = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      properties: { path: { type: 'string' }, explanation: { type: 'string' } },
      required: ['path'],
      additionalProperties: false,
      anyOf: [{ required: ['path'] }, { required: ['explanation'] }],
      not: { required: ['both'] },
    };

    expect(repairToolSchema(schema)).toStrictEqual({
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      properties: { path: { type: 'string' }, explanation: { type: 'string' } },
      required: ['path'],
      additionalProperties: false,
      anyOf: [{ required: ['path'] }, { required: ['explanation'] }],
      not: { required: ['both'] },
    });
  });

  it('keeps a non-object root type and adds no properties to it', () => {
    expect(repairToolSchema({ type: 'string' })).toStrictEqual({ type: 'string' });
  });

  it('does not change the schema it is given', () => {
    const schema = { type: 'object', properties: { a: { type: 'object', required: null } }, required: null };

    repairToolSchema(schema);

    expect(schema).toStrictEqual({ type: 'object', properties: { a: { type: 'object', required: null } }, required: null });
  });
});
