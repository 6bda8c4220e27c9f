import { closingSuffix, isValidJson } from './json-repair';

describe(closingSuffix.name, () => {
  it.each([
    ['{"a":"1"', '}'],
    ['{"a":[1,"2"', ']}'],
    ['{"a":{"b":[1,{"c":2}', ']}}'],
    ['{"a":"x"', '}'],
    ['{"a":true', '}'],
    ['{"a":null', '}'],
    ['[1,["2"', ']]'],
    ['{"a":"}]"', '}'],
    ['{"a":"say \\"hi\\""', '}'],
    ['{"a":{}', '}'],
  ])('closes %s with %s', (json, suffix) => {
    expect(closingSuffix(json)).toBe(suffix);
  });

  it.each([
    ['inside a string', '{"content":"hello wor'],
    ['inside a string right after an escape', '{"a":"x\\'],
    ['inside a string that ends in an escaped quote', '{"a":"x\\"'],
    ['after a key', '{"a"'],
    ['after a colon', '{"a":'],
    ['after a comma', '{"a":1,'],
    ['inside a literal', '{"a":tru'],
    ['inside a key', '{"ke'],
  ])('refuses a cut %s', (_case, json) => {
    expect(closingSuffix(json)).toBeUndefined();
  });

  it.each(['{"count":12', '{"a":[1,2', '{"x":-0.5e1'])('refuses %s: the number at the cut may itself be cut (12 of 125)', (json) => {
    expect(closingSuffix(json)).toBeUndefined();
  });

  it('returns undefined for JSON that is already complete', () => {
    expect(closingSuffix('{"a":1}')).toBeUndefined();
  });

  it('returns undefined for mismatched brackets', () => {
    expect(closingSuffix('{"a":[1}')).toBeUndefined();
  });

  it('returns undefined for an empty string', () => {
    expect(closingSuffix('')).toBeUndefined();
  });
});

describe(isValidJson.name, () => {
  it.each([['{}'], ['{"a":[1,2]}'], ['"text"'], ['42'], ['null']])('accepts %s', (text) => {
    expect(isValidJson(text)).toBe(true);
  });

  it.each([[''], ['{'], ['{"a":1,}'], ["{'a':1}"]])('refuses %p', (text) => {
    expect(isValidJson(text)).toBe(false);
  });
});
