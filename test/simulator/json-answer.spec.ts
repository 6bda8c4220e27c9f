import { responseFormatInstruction } from '../../src/converter/response-format';
import { jsonAnswerFor } from './json-answer';

describe(jsonAnswerFor.name, () => {
  it("answers a schema the way Pydantic writes it ($defs, anyOf with null, enums)", () => {
    const schema = {
      $defs: { Kind: { enum: ['city', 'town'], type: 'string' } },
      properties: { name: { type: 'string' }, kind: { $ref: '#/$defs/Kind' }, mayor: { anyOf: [{ type: 'string' }, { type: 'null' }] }, tags: { type: 'array', items: { type: 'integer' } } },
      required: ['name', 'kind'],
      type: 'object',
    };

    const answer = jsonAnswerFor(`Which city?\n\n${responseFormatInstruction({ kind: 'json_schema', schema })}`);

    expect(JSON.parse(answer ?? 'null')).toStrictEqual({ name: 'example', kind: 'city', mayor: 'example', tags: [1] });
  });

  it('answers JSON mode with an object, and plain turns not at all', () => {
    expect(JSON.parse(jsonAnswerFor(responseFormatInstruction({ kind: 'json_object' })) ?? 'null')).toStrictEqual({ answer: 'Hello from the Kiro simulator!' });
    expect(jsonAnswerFor('Hello')).toBeUndefined();
  });

  it('stops at a recursive schema', () => {
    const schema = { $defs: { Node: { type: 'object', properties: { next: { $ref: '#/$defs/Node' } } } }, $ref: '#/$defs/Node' };

    expect(jsonAnswerFor(responseFormatInstruction({ kind: 'json_schema', schema }))).toContain('"next":{"next"');
  });
});
