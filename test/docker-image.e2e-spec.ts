import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The image's definition, checked as text (there is no Docker engine here; `.ci/run` also runs
 * `docker-compose config`): one current Node for the image, `.nvmrc` and the CI run on that Node;
 * what the runtime image ships; a test stage that really runs every suite.
 */

const ROOT = join(__dirname, '..');
const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8');
const packageJson = JSON.parse(read('package.json')) as { license: string; dependencies: Record<string, string>; devDependencies: Record<string, string> };

/** Node majors that are LTS and not past end of life on the date in the comment (nodejs/Release schedule). */
const SUPPORTED_LTS_AS_OF_2026_12 = [24, 26];

describe('the Docker image (definition)', () => {
  const dockerfile = read('Dockerfile');
  const nodeImages = [...dockerfile.matchAll(/^FROM node:(\d+)-([a-z]+)-slim\b/gm)].map((m) => ({ major: Number(m[1]), debian: m[2] }));

  it('builds and runs on one Node, the current LTS, the one .nvmrc names', () => {
    const nvmrc = Number(read('.nvmrc').trim());

    expect(nodeImages.length).toBe(2);
    expect(nodeImages.every((image) => image.major === nvmrc && image.debian === 'trixie')).toBe(true);
    expect(nvmrc).toBe(Math.max(...SUPPORTED_LTS_AS_OF_2026_12));
  });

  it('has CI run the test suite on that Node', () => {
    const ci = read('.ci/run');

    expect(ci).toContain('lts_major=$(cat .nvmrc)');
    expect(ci).toMatch(/npm install --prefix "\$lts_dir" .*"node@\$lts_major"/);
    expect(ci).toContain('PATH="$lts_bin:$PATH" npm test');
  });

  it('ships pino-pretty, so LOG_FORMAT=pretty works in the image', () => {
    expect(packageJson.dependencies['pino-pretty']).toBeDefined();
    expect(packageJson.devDependencies['pino-pretty']).toBeUndefined();
  });

  it('has a test stage with Chromium and redis-server that fails rather than skips without them', () => {
    const testStage = dockerfile.slice(dockerfile.indexOf('AS test'), dockerfile.indexOf('AS prod-deps'));

    expect(testStage).toMatch(/apt-get install [^\n]*\bchromium\b[^\n]*\bredis-server\b/);
    expect(testStage).toContain('ENV CI=true');
    expect(testStage).toContain('npm test');
  });

  it('installs in its test stage what .ci/run installs for the tests, before CI=true makes a missing one fail', () => {
    const testStage = dockerfile.slice(dockerfile.indexOf('AS test'), dockerfile.indexOf('AS prod-deps'));
    const ci = read('.ci/run');
    const install = 'bash test/agents/install.sh';

    // The agent specs (test/agents) need their agents and SDKs: under CI=true they fail without them.
    expect(ci.indexOf(install)).toBeGreaterThan(-1);
    expect(ci.indexOf(install)).toBeLessThan(ci.search(/^npm test$/m));
    expect(testStage.indexOf(`RUN ${install}`)).toBeGreaterThan(-1);
    expect(testStage.indexOf(`RUN ${install}`)).toBeLessThan(testStage.indexOf('ENV CI=true'));
    // install.sh makes a virtualenv (python3 -m venv): Debian's python3 needs python3-venv for it.
    expect(read('test/agents/install.sh')).toContain('python3 -m venv');
    expect(testStage).toMatch(/apt-get install [^\n]*\bpython3-venv\b/);
    // The agent specs run the README's own configuration blocks.
    expect(testStage).toMatch(/^COPY [^\n]*\bREADME\.md\b/m);
  });

  it('tells @scarf/scarf not to report the install, in the image, in CI and in package.json', () => {
    const depsStage = dockerfile.slice(dockerfile.indexOf('AS deps'), dockerfile.indexOf('AS build'));

    expect(depsStage.indexOf('ENV SCARF_ANALYTICS=false')).toBeGreaterThan(-1);
    expect(depsStage.indexOf('ENV SCARF_ANALYTICS=false')).toBeLessThan(depsStage.indexOf('npm ci'));
    expect(read('.ci/run')).toMatch(/^export SCARF_ANALYTICS=false$/m);
    expect((packageJson as { scarfSettings?: { enabled?: boolean } }).scarfSettings).toEqual({ enabled: false });
  });
});

describe('the licence', () => {
  it('is the one package.json names', () => {
    expect(packageJson.license).toBe('MIT');
    expect(read('LICENSE')).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} /);
  });
});
