import { Controller, Delete, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
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
  login(@Req() request: Request, @Res({ passthrough: true }) response: Response): SessionAnswer {
    const { cookieValue, session } = this.sessions.issue();
    response.setHeader('Set-Cookie', this.sessions.cookieHeader(cookieValue, request.secure));
    response.setHeader('Cache-Control', 'no-store');
    return { csrfToken: session.csrfToken, expiresAt: new Date(session.expiresAt).toISOString() };
  }

  @Get()
  current(@Req() request: Request, @Res({ passthrough: true }) response: Response): SessionAnswer {
    const session = adminSessionOf(request);
    response.setHeader('Cache-Control', 'no-store');
    return { csrfToken: session?.csrfToken ?? null, expiresAt: session ? new Date(session.expiresAt).toISOString() : null };
  }

  @Delete()
  @HttpCode(204)
  logout(@Req() request: Request, @Res({ passthrough: true }) response: Response): void {
    const session = adminSessionOf(request);
    if (session) this.sessions.revoke(session);
    response.setHeader('Set-Cookie', this.sessions.cookieHeader(undefined, request.secure));
  }
}
