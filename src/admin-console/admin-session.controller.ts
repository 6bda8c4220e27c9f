import { Controller, Delete, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { adminSessionOf, RequiresAdminKey } from '../accounts/admin-key.guard';
import { AdminSessions } from './admin-sessions';

interface SessionAnswer {
  /** Send it back as x-csrf-token with every change made with the session cookie. */
  csrfToken: string | null;
  expiresAt: string | null;
}

/**
 * The console's login: `POST` with `Authorization: Bearer ADMIN_API_KEY` (checked by the guard,
 * so no body is read) sets an HttpOnly, SameSite=Strict session cookie; `GET` tells the page
 * its session and CSRF token; `DELETE` logs out.
 */
@ApiExcludeController()
@RequiresAdminKey()
@Controller('admin/api/session')
export class AdminSessionController {
  constructor(private readonly sessions: AdminSessions) {}

  @Post()
  @HttpCode(200)
  login(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): SessionAnswer {
    const { cookieValue, session } = this.sessions.issue();
    reply.header('Set-Cookie', this.sessions.cookieHeader(cookieValue, request.protocol === 'https'));
    reply.header('Cache-Control', 'no-store');
    return { csrfToken: session.csrfToken, expiresAt: new Date(session.expiresAt).toISOString() };
  }

  @Get()
  current(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): SessionAnswer {
    const session = adminSessionOf(request);
    reply.header('Cache-Control', 'no-store');
    return { csrfToken: session?.csrfToken ?? null, expiresAt: session ? new Date(session.expiresAt).toISOString() : null };
  }

  @Delete()
  @HttpCode(204)
  logout(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): void {
    const session = adminSessionOf(request);
    if (session) this.sessions.revoke(session);
    reply.header('Set-Cookie', this.sessions.cookieHeader(undefined, request.protocol === 'https'));
  }
}
