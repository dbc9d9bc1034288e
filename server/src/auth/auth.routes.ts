// POST /api/auth/login            public: e-mail + password → session cookie + CSRF token (rate-limited; failures
//                                 throttled per account and client address, 429 with Retry-After)
// GET  /api/auth/me               researcher|coordinator|admin: the current user and CSRF token
// POST /api/auth/logout           public: ends the session, if any
// POST /api/auth/password         user (any signed-in user): change own password; the user's other sessions end
// GET  /api/auth/sessions         user: own live sessions (when begun and ending, which one is this)
// POST /api/auth/sessions/revoke-others  user: end every own session but this one
// GET  /api/users                 admin: list users
// POST /api/users                 admin: create a user
// PATCH /api/users/{email}        admin: change roles, name, disable
// POST /api/users/{email}/password-reset  admin: set a new password (ends the user's sessions)
import { z } from 'zod';
import { ipKeyGenerator } from 'express-rate-limit';
import type { Api } from '../http/route';
import * as auth from './auth.service';
import { clearSessionCookie, sessionFromCookie, sessionToken, setSessionCookie } from './session-cookie';
import { ThrottledError } from './login-throttle';
import {
  ChangePasswordBody,
  CreateUserBody,
  LoginBody,
  ResetPasswordBody,
  RevokeOthersOut,
  SessionOut,
  SessionsOut,
  UpdateUserBody,
  UserOut,
  UserParams,
} from './auth.schema';

export function authRoutes(api: Api): void {
  api.route({
    method: 'post',
    path: '/auth/login',
    summary: 'Log in with e-mail and password',
    access: 'public',
    tags: ['auth'],
    body: LoginBody,
    rateLimits: [api.limit('login')],
    responses: {
      200: { description: 'Logged in; sets the session cookie', schema: SessionOut },
      401: { description: 'Wrong e-mail or password' },
      429: { description: 'Too many failed log-ins from this address (or for this account): wait Retry-After s' },
    },
    handler: async ({ body }, req, res) => {
      try {
        // The address as the trusted proxies report it (TRUST_PROXY); IPv6 by /56 network.
        const session = await auth.login(body.email, body.password, ipKeyGenerator(req.ip ?? 'unknown'));
        setSessionCookie(res, session.token);
        return { user: session.user, csrfToken: session.csrfToken, expiresAt: session.expiresAt.toISOString() };
      } catch (err) {
        if (err instanceof ThrottledError) res.setHeader('Retry-After', String(err.retryAfterSeconds));
        throw err;
      }
    },
  });

  api.route({
    method: 'get',
    path: '/auth/me',
    summary: 'The signed-in user and the CSRF token for mutations',
    access: 'public',
    tags: ['auth'],
    responses: { 200: { description: 'Signed in', schema: SessionOut }, 401: { description: 'Not signed in' } },
    handler: async (_input, req) => {
      const session = await sessionFromCookie(req);
      if (!session) throw new auth.UnauthorizedError();
      return { user: session.user, csrfToken: session.csrfToken, expiresAt: session.expiresAt.toISOString() };
    },
  });

  api.route({
    method: 'post',
    path: '/auth/logout',
    summary: 'Log out',
    access: 'public',
    tags: ['auth'],
    responses: { 204: { description: 'Logged out' } },
    handler: async (_input, req, res) => {
      const token = sessionToken(req);
      if (token) await auth.logout(token);
      clearSessionCookie(res);
      res.status(204).end();
    },
  });

  api.route({
    method: 'post',
    path: '/auth/password',
    summary: 'Change your own password',
    access: 'user',
    tags: ['auth'],
    body: ChangePasswordBody,
    responses: {
      204: { description: 'Changed; every other session of the user has ended' },
      422: { description: 'Current password wrong or new one too weak' },
    },
    handler: async ({ body, user }, req, res) => {
      const session = await sessionFromCookie(req);
      await auth.changePassword(user!.id, body.currentPassword, body.newPassword, session?.id);
      res.status(204).end();
    },
  });

  api.route({
    method: 'get',
    path: '/auth/sessions',
    summary: 'Your live sessions',
    access: 'user',
    tags: ['auth'],
    responses: { 200: { description: 'Sessions, newest first', schema: SessionsOut } },
    handler: async ({ user }, req) => {
      const session = await sessionFromCookie(req);
      const items = await auth.listSessions(user!.id, session?.id ?? '');
      return {
        items: items.map((s) => ({
          current: s.current,
          createdAt: s.createdAt.toISOString(),
          expiresAt: s.expiresAt.toISOString(),
        })),
      };
    },
  });

  api.route({
    method: 'post',
    path: '/auth/sessions/revoke-others',
    summary: 'End all your other sessions (other browsers and devices)',
    access: 'user',
    tags: ['auth'],
    responses: { 200: { description: 'How many sessions ended', schema: RevokeOthersOut } },
    handler: async ({ user }, req) => {
      const session = await sessionFromCookie(req);
      const ended = await auth.endOtherSessions(user!.id, session!.id);
      return { ended };
    },
  });

  api.route({
    method: 'get',
    path: '/users',
    summary: 'List users',
    access: 'admin',
    tags: ['users'],
    responses: {
      200: {
        description: 'Users',
        schema: z.object({ items: z.array(UserOut.extend({ disabled: z.boolean(), createdAt: z.string() })) }),
      },
    },
    handler: async () => ({
      items: (await auth.listUsers()).map((u) => ({ ...u, createdAt: u.createdAt.toISOString() })),
    }),
  });

  api.route({
    method: 'post',
    path: '/users',
    summary: 'Create a user',
    access: 'admin',
    tags: ['users'],
    body: CreateUserBody,
    responses: { 201: { description: 'Created', schema: UserOut }, 409: { description: 'E-mail already used' } },
    handler: async ({ body, user }, _req, res) => {
      const created = await auth.createUser(body, user!.email);
      res.status(201);
      return created;
    },
  });

  api.route({
    method: 'patch',
    path: '/users/{email}',
    summary: 'Change roles, name or disable a user',
    access: 'admin',
    tags: ['users'],
    params: UserParams,
    body: UpdateUserBody,
    responses: { 204: { description: 'Updated' }, 404: { description: 'No such user' } },
    handler: async ({ params, body, user }, _req, res) => {
      await auth.updateUser(params.email, body, user!.email);
      res.status(204).end();
    },
  });

  api.route({
    method: 'post',
    path: '/users/{email}/password-reset',
    summary: "Set a user's password (ends their sessions)",
    access: 'admin',
    tags: ['users'],
    params: UserParams,
    body: ResetPasswordBody,
    responses: { 204: { description: 'Reset' }, 404: { description: 'No such user' } },
    handler: async ({ params, body, user }, req, res) => {
      // Resetting one's own password keeps the session it is done from.
      const own = auth.normaliseEmail(params.email) === user!.email ? (await sessionFromCookie(req))?.id : undefined;
      await auth.resetPassword(params.email, body.newPassword, user!.email, own);
      res.status(204).end();
    },
  });
}
