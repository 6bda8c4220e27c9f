import { describeJsonSyntaxError } from './json';

function syntaxError(text: string): string {
  try {
    JSON.parse(text);
  } catch (err) {
    return describeJsonSyntaxError(text, err);
  }
  throw new Error('expected a syntax error');
}

describe(describeJsonSyntaxError.name, () => {
  it.each([
    ['{"refreshToken": "aor-secret",\n  "expiresAt":', 'it ends too early, at line 2, column 15 (cut short?)'],
    ['{"refreshToken": "aor-sec', 'it ends too early, at line 1, column 26 (cut short?)'],
    ['{"refreshToken": "aor-secret" "x": 1}', "expected ',' or '}' after property value at line 1, column 31"],
    ['{"a": 1,\n}', 'expected double-quoted property name at line 2, column 1'],
    ['', 'it is empty'],
    ['  \n', 'it is empty'],
  ])('locates the error in %j: %s', (text, expected) => {
    expect(syntaxError(text)).toBe(expected);
  });

  it('never quotes the text, which may hold tokens', () => {
    const description = syntaxError('aor-secret-refresh-token');

    expect(description).toBe('it is not valid JSON (an unexpected character)');
    expect(description).not.toContain('aor');
  });
});
