import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiParam, ApiQuery } from '@nestjs/swagger';
import { join } from 'node:path';
import { readKiroCliCredential, findKiroCliDatabase } from '../auth/kiro-cli-store';
import { loadGatewayCredential } from '../auth/credential-loader';
import { InvalidRequestError } from '../common/errors';
import { objectBody } from '../common/http/json-body';
import { Inject } from '@nestjs/common';
import { gatewayConfig, type GatewayConfig } from '../config/gateway.config';
import { AccountsService, type AccountView } from './accounts.service';
import { RequiresAdminKey } from './admin-key.guard';

const ACCOUNT_EXAMPLE = { name: 'team-2', refreshToken: 'aor…', priority: 0, weight: 1, maxConcurrency: 8 };

/**
 * The operator's view of the account pool (JSON under /admin/api, ADMIN_API_KEY). Every change
 * goes to KIRO_ACCOUNTS_FILE atomically. Answers never hold a token, key or proxy password.
 */
@RequiresAdminKey()
@Controller('admin/api/accounts')
export class AdminController {
  constructor(
    private readonly accounts: AccountsService,
    @Inject(gatewayConfig.KEY) private readonly config: GatewayConfig,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List accounts', description: 'State, usage, limits, in-flight requests and metering of every account. `?usage=read` first reads the usage of accounts whose last reading is older than USAGE_REFRESH_INTERVAL.' })
  @ApiQuery({ name: 'usage', required: false, enum: ['read'] })
  async list(@Query('usage') usage?: unknown): Promise<{ object: 'list'; data: AccountView[]; persistent: boolean }> {
    if (usage !== undefined && usage !== 'read') throw new InvalidRequestError('usage must be read', 'usage');
    if (usage === 'read') await this.accounts.ensureUsage();
    return { object: 'list', data: this.accounts.list(), persistent: this.accounts.persistent };
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Add an account', description: 'Any entry of the accounts file: refreshToken (+ clientId/clientSecret/authMethod), apiKey (ksk_…), credsFile or kiroCliDb, with options.' })
  @ApiBody({ schema: { type: 'object', example: ACCOUNT_EXAMPLE } })
  add(@Body() body: unknown): Promise<AccountView> {
    return this.accounts.addEntry(objectBody(body));
  }

  @Post('import')
  @HttpCode(201)
  @ApiOperation({ summary: 'Import a login', description: 'Copies the login of a Kiro IDE token file or a kiro-cli database (default: the ones of this host) into a new account.' })
  @ApiBody({ schema: { type: 'object', example: { name: 'ide-login', from: 'kiro-ide', path: '~/.aws/sso/cache/kiro-auth-token.json' } } })
  async import(@Body() body: unknown): Promise<AccountView> {
    const { name, from, path, ...options } = objectBody(body);
    const home = this.config.credentials.homeDir;
    let credential;
    if (from === 'kiro-ide') {
      const file = typeof path === 'string' ? path : home ? join(home, '.aws', 'sso', 'cache', 'kiro-auth-token.json') : undefined;
      if (!file) throw new InvalidRequestError('No path given and no home directory to look in', 'path');
      credential = await loadGatewayCredential({ ...this.config, credentials: { ...this.config.credentials, credsFile: file, refreshToken: undefined } }).catch((err: Error) => {
        throw new InvalidRequestError(err.message, 'path', 'import_failed');
      });
    } else if (from === 'kiro-cli') {
      const file = typeof path === 'string' ? path : findKiroCliDatabase({ homeDir: home, appData: this.config.credentials.appData, localAppData: this.config.credentials.localAppData });
      if (!file) throw new InvalidRequestError('No kiro-cli database found', 'path', 'import_failed');
      try {
        credential = readKiroCliCredential(file, this.config.kiro.region);
      } catch (err) {
        throw new InvalidRequestError(`The kiro-cli database cannot be read: ${(err as Error).message}`, 'path', 'import_failed');
      }
    } else {
      throw new InvalidRequestError('from must be kiro-ide or kiro-cli', 'from');
    }
    if (!credential) throw new InvalidRequestError('No login found there', 'path', 'import_failed');
    return this.accounts.addEntry({
      ...options,
      name,
      refreshToken: credential.refreshToken,
      ...(credential.clientId ? { clientId: credential.clientId } : {}),
      ...(credential.clientSecret ? { clientSecret: credential.clientSecret } : {}),
      ...(credential.flow === 'aws-sso-oidc' ? { authMethod: 'IdC' } : { authMethod: 'social' }),
      ...(credential.profileArn && options.profileArn === undefined ? { profileArn: credential.profileArn } : {}),
      ...(credential.region && options.region === undefined ? { region: credential.region } : {}),
    });
  }

  @Post(':name/enable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Enable an account', description: 'Healthy again, whatever disabled it (a suspension, a spent quota, the operator).' })
  @ApiParam({ name: 'name' })
  enable(@Param('name') name: string): Promise<AccountView> {
    return this.accounts.setEnabled(name, true);
  }

  @Post(':name/disable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Disable an account', description: 'Never used until enabled.' })
  @ApiParam({ name: 'name' })
  disable(@Param('name') name: string): Promise<AccountView> {
    return this.accounts.setEnabled(name, false);
  }

  @Patch(':name')
  @ApiOperation({ summary: 'Set priority, weight or concurrency', description: '`maxConcurrency: null` removes the limit.' })
  @ApiParam({ name: 'name' })
  @ApiBody({ schema: { type: 'object', example: { priority: 1, weight: 2, maxConcurrency: 4 } } })
  @ApiOkResponse({ description: 'The account as it is now.' })
  update(@Param('name') name: string, @Body() body: unknown): Promise<AccountView> {
    const { priority, weight, maxConcurrency, ...rest } = objectBody(body);
    if (Object.keys(rest).length > 0) throw new InvalidRequestError(`Only priority, weight and maxConcurrency can be changed (got ${Object.keys(rest).slice(0, 5).join(', ')})`);
    return this.accounts.updateSettings(name, {
      priority: wholeNumber(priority, 'priority', 0, 1000),
      weight: wholeNumber(weight, 'weight', 1, 1000),
      maxConcurrency: maxConcurrency === null ? null : wholeNumber(maxConcurrency, 'maxConcurrency', 1, 10_000),
    });
  }

  @Post(':name/refresh')
  @HttpCode(200)
  @ApiOperation({ summary: 'Refresh the access token now' })
  @ApiParam({ name: 'name' })
  refresh(@Param('name') name: string): Promise<AccountView> {
    return this.accounts.forceRefresh(name);
  }

  @Post(':name/test')
  @HttpCode(200)
  @ApiOperation({ summary: 'Test an account', description: 'A cheap real call (getUsageLimits): whether Kiro answers for it, and its usage.' })
  @ApiParam({ name: 'name' })
  test(@Param('name') name: string): Promise<{ ok: boolean; error?: { code: string | null; message: string }; account: AccountView }> {
    return this.accounts.test(name);
  }

  @Delete(':name')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove an account' })
  @ApiParam({ name: 'name' })
  async remove(@Param('name') name: string): Promise<void> {
    await this.accounts.remove(name);
  }
}

function wholeNumber(value: unknown, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw new InvalidRequestError(`${name} must be a whole number from ${min} to ${max}`, name);
  return value;
}
