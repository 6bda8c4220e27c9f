import { KIRO_TOOL_NAME, ToolNameMap } from './tool-names';

const LONG_NAME = 'mcp__github_enterprise_server__create_or_update_repository_file_contents';

describe(ToolNameMap.name, () => {
  it('keeps a name Kiro accepts as it is', () => {
    const names = new ToolNameMap();

    expect(names.kiroName('get_weather-v2')).toBe('get_weather-v2');
  });

  it('keeps a name of exactly 64 legal characters', () => {
    const names = new ToolNameMap();
    const name = 'a'.repeat(64);

    expect(names.kiroName(name)).toBe(name);
  });

  it('shortens a name over 64 characters to a 55-character prefix, an underscore and 8 hex of its SHA-256', () => {
    const names = new ToolNameMap();

    expect(names.kiroName(LONG_NAME)).toBe('mcp__github_enterprise_server__create_or_update_reposit_c44dd0d6');
  });

  it('produces names that match the Kiro tool-name pattern', () => {
    const names = new ToolNameMap();

    const produced = [LONG_NAME, 'files.read', 'my tool!', '読む', ''].map((name) => names.kiroName(name));

    expect(produced.filter((name) => !KIRO_TOOL_NAME.test(name))).toEqual([]);
  });

  it('replaces illegal characters with underscores', () => {
    const names = new ToolNameMap();

    expect(names.kiroName('files.read')).toBe('files_read');
  });

  it('replaces each non-ASCII character with an underscore', () => {
    const names = new ToolNameMap();

    expect(names.kiroName('読む')).toBe('__');
  });

  it('shortens the same name the same way in separate maps (every turn, every request)', () => {
    const first = new ToolNameMap();
    const second = new ToolNameMap();

    expect([first.kiroName(LONG_NAME), second.kiroName(LONG_NAME)]).toEqual([
      'mcp__github_enterprise_server__create_or_update_reposit_c44dd0d6',
      'mcp__github_enterprise_server__create_or_update_reposit_c44dd0d6',
    ]);
  });

  it('returns the same Kiro name every time a name is asked for again', () => {
    const names = new ToolNameMap();
    names.kiroName('Read');
    names.kiroName('read');

    expect([names.kiroName('Read'), names.kiroName('read')]).toEqual(['Read', 'read_3316348d']);
  });

  it('gives a name that differs from an earlier one only in case a hashed name', () => {
    const names = new ToolNameMap();
    names.kiroName('Read');

    expect(names.kiroName('read')).toBe('read_3316348d');
  });

  it('gives a legal name that collides with an earlier sanitised one a hashed name', () => {
    const names = new ToolNameMap();
    names.kiroName('files.read');

    expect(names.kiroName('files_read')).toBe('files_read_50a21da8');
  });

  it('gives two names that sanitise to the same text distinct names', () => {
    const names = new ToolNameMap();

    expect([names.kiroName('読む'), names.kiroName('書く')]).toEqual(['__', '___9eee51e1']);
  });

  it('gives an empty name an underscore and the hash of the empty string', () => {
    const names = new ToolNameMap();

    expect(names.kiroName('')).toBe('_e3b0c442');
  });

  it('maps a shortened name back to the original', () => {
    const names = new ToolNameMap();
    names.kiroName(LONG_NAME);

    expect(names.originalName('mcp__github_enterprise_server__create_or_update_reposit_c44dd0d6')).toBe(LONG_NAME);
  });

  it('maps a sanitised name back to the original', () => {
    const names = new ToolNameMap();
    names.kiroName('files.read');

    expect(names.originalName('files_read')).toBe('files.read');
  });

  it('maps a name back whatever case Kiro answers in', () => {
    const names = new ToolNameMap();
    names.kiroName('files.read');

    expect(names.originalName('FILES_READ')).toBe('files.read');
  });

  it('maps each of two case-colliding names back to its own original', () => {
    const names = new ToolNameMap();
    names.kiroName('Read');
    names.kiroName('read');

    expect([names.originalName('Read'), names.originalName('read_3316348d')]).toEqual(['Read', 'read']);
  });

  it('returns a name it never issued unchanged', () => {
    const names = new ToolNameMap();

    expect(names.originalName('unknown_tool')).toBe('unknown_tool');
  });

  it('reports no renaming when every name was kept', () => {
    const names = new ToolNameMap();
    names.kiroName('get_weather');

    expect(names.renamed).toBe(false);
  });

  it('reports renaming once any name was changed', () => {
    const names = new ToolNameMap();
    names.kiroName('get_weather');
    names.kiroName('files.read');

    expect(names.renamed).toBe(true);
  });
});
