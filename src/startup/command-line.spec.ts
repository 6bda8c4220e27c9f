import { helpText, parseCommandLine } from './command-line';

describe(parseCommandLine.name, () => {
  it.each([
    [[], { kind: 'serve' }],
    [['--help'], { kind: 'help' }],
    [['-h'], { kind: 'help' }],
    [['--version'], { kind: 'version' }],
    [['-v'], { kind: 'version' }],
    [['--port=9000'], { kind: 'unknown', argument: '--port=9000' }],
  ])('reads %j as %j', (args, command) => {
    expect(parseCommandLine(args)).toEqual(command);
  });
});

describe(helpText.name, () => {
  it('names the version, the commands and the settings that matter most', () => {
    const help = helpText('1.2.3');

    expect(help).toMatch(/^kiro-gateway 1\.2\.3: /);
    for (const expected of ['node dist/main.js --version', 'npm run demo', 'npm start', 'docker compose up', 'PROXY_API_KEY', 'HOST, PORT', 'KIRO_CREDS_FILE', 'REFRESH_TOKEN', 'LOG_LEVEL', '.env.example']) {
      expect(help).toContain(expected);
    }
  });
});
