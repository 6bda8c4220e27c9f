/**
 * The gateway binary's own arguments (`node dist/main.js --help`). Everything else is configured
 * through the environment and `.env`; these only answer questions without starting the server.
 */
export type Command = { kind: 'serve' } | { kind: 'help' } | { kind: 'version' } | { kind: 'unknown'; argument: string };

export function parseCommandLine(args: readonly string[]): Command {
  const [first] = args;
  if (first === undefined) return { kind: 'serve' };
  if (first === '--help' || first === '-h' || first === 'help') return { kind: 'help' };
  if (first === '--version' || first === '-v' || first === '-V' || first === 'version') return { kind: 'version' };
  return { kind: 'unknown', argument: first };
}

export function helpText(version: string): string {
  return `kiro-gateway ${version}: OpenAI and Anthropic APIs for the Claude models behind Kiro

Usage
  node dist/main.js              start the gateway (what npm start and the Docker image run)
  node dist/main.js --help       this help
  node dist/main.js --version    the version

From the project directory
  npm run demo                   the gateway in front of the built-in Kiro simulator (no account)
  npm start                      build, then start with your Kiro login
  npm test                       unit and end-to-end tests
  docker compose up -d --build   the Docker image (docker-compose with Compose v1)

Settings come from the environment and ./.env (a variable set in the environment wins).
The most important:
  PROXY_API_KEY                  the key clients send (required)
  HOST, PORT                     where to listen (0.0.0.0, 8000)
  KIRO_CREDS_FILE                a Kiro login JSON file (or an http(s) URL serving one)
  REFRESH_TOKEN, PROFILE_ARN     a Kiro refresh token instead (KIRO_CLIENT_ID/_SECRET for AWS SSO)
  KIRO_HOME                      where to look for a Kiro IDE or kiro-cli login (your home)
  KIRO_REGION                    us-east-1
  LOG_LEVEL, LOG_FORMAT          DEBUG|INFO|WARNING|ERROR|CRITICAL, json|pretty
  REDIS_URL                      shared state for several replicas
With no Kiro login the gateway serves only multi-tenant calls
("Authorization: Bearer PROXY_API_KEY:REFRESH_TOKEN").

Every variable: .env.example. Everything else: README.md, and the API at /docs once running.
`;
}
