import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam } from '@nestjs/swagger';
import { RequiresAdminKey } from '../accounts/admin-key.guard';
import { objectBody } from '../common/http/json-body';
import { type ClientKeyView, ClientKeysService } from './client-keys.service';

const KEY_EXAMPLE = { name: 'ci', models: ['claude-sonnet-4.5', 'claude-haiku-*'], accounts: ['team-1'], rateLimitPerMinute: 60, dailyCredits: 5, monthlyCredits: 100 };

/**
 * Client keys under /admin/api/keys (ADMIN_API_KEY): list (never a secret), create (the secret
 * once, in the answer), change, disable and enable, delete, and each key's usage. PROXY_API_KEY
 * is listed read-only; a PROXY_API_KEYS key's limits and state can be changed (`env.NAME`), its
 * name and existence only in the environment.
 */
@RequiresAdminKey('admin: client keys')
@Controller('admin/api/keys')
export class ClientKeysController {
  constructor(private readonly keys: ClientKeysService) {}

  @Get()
  @ApiOperation({ summary: 'List client keys', description: "Every key with its limits and its usage today and this month (UTC): credits and requests. Never a key's secret." })
  async list(): Promise<{ object: 'list'; data: ClientKeyView[]; file: string | null; writable: boolean; problem: string | null }> {
    return { object: 'list', data: await this.keys.list(), ...this.keys.status() };
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a client key', description: 'A random key (`kgw_…`, 256 bits) with a name and optional limits. The answer holds the secret: it is shown this once and stored only as its SHA-256.' })
  @ApiBody({ schema: { type: 'object', example: KEY_EXAMPLE } })
  @ApiCreatedResponse({ description: '`{ key, secret }`' })
  create(@Body() body: unknown): Promise<{ key: ClientKeyView; secret: string }> {
    return this.keys.create(objectBody(body));
  }

  @Get(':id')
  @ApiOperation({ summary: "A key and its usage" })
  @ApiParam({ name: 'id' })
  get(@Param('id') id: string): Promise<ClientKeyView> {
    return this.keys.get(id);
  }

  @Get(':id/usage')
  @ApiOperation({ summary: "A key's usage", description: 'Credits and requests today and this month (UTC), each with its budget and reset time.' })
  @ApiParam({ name: 'id' })
  async usage(@Param('id') id: string): Promise<ClientKeyView['usage']> {
    return (await this.keys.get(id)).usage;
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a key', description: 'name, enabled, models, accounts, rateLimitPerMinute, dailyCredits, monthlyCredits; `null` removes a limit. Applies to requests from now on. A PROXY_API_KEYS key (`env.NAME`) keeps its name; PROXY_API_KEY cannot be changed.' })
  @ApiParam({ name: 'id' })
  @ApiBody({ schema: { type: 'object', example: { dailyCredits: 10, monthlyCredits: null } } })
  @ApiOkResponse({ description: 'The key as it is now.' })
  update(@Param('id') id: string, @Body() body: unknown): Promise<ClientKeyView> {
    return this.keys.update(id, objectBody(body));
  }

  @Post(':id/disable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Disable a key', description: 'Its requests are refused (403 key_disabled) until it is enabled.' })
  @ApiParam({ name: 'id' })
  disable(@Param('id') id: string): Promise<ClientKeyView> {
    return this.keys.update(id, { enabled: false });
  }

  @Post(':id/enable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Enable a key' })
  @ApiParam({ name: 'id' })
  enable(@Param('id') id: string): Promise<ClientKeyView> {
    return this.keys.update(id, { enabled: true });
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a key', description: 'Refused from the next request on; its hash leaves CLIENT_KEYS_FILE.' })
  @ApiParam({ name: 'id' })
  async remove(@Param('id') id: string): Promise<void> {
    await this.keys.remove(id);
  }
}
