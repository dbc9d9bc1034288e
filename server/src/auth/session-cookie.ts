import type { Request, Response } from 'express';
import { parse as parseCookie } from 'cookie';
import { config } from '../config';
import { sessionFromToken, SESSION_TTL_MS, type Session } from './auth.service';

export const SESSION_COOKIE = 'lsg_session';

export function sessionToken(req: Request): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  return parseCookie(header)[SESSION_COOKIE] || undefined;
}

export async function sessionFromCookie(req: Request): Promise<(Omit<Session, 'token'> & { id: string }) | undefined> {
  const token = sessionToken(req);
  return token ? sessionFromToken(token) : undefined;
}

export function setSessionCookie(res: Response, token: string): void {
  res.cookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: config().env === 'production',
    path: '/',
    maxAge: SESSION_TTL_MS,
  });
}

export function clearSessionCookie(res: Response): void {
  res.clearCookie(SESSION_COOKIE, {
    httpOnly: true,
    sameSite: 'lax',
    secure: config().env === 'production',
    path: '/',
  });
}
