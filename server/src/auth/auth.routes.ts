// POST /api/auth/login            public: e-mail + password → session cookie + CSRF token (rate-limited, lock-out)
// GET  /api/auth/me               researcher|coordinator|admin: the current user and CSRF token
// POST /api/auth/logout           public: ends the session, if any
// POST /api/auth/password         user (any signed-in user): change own password
// GET  /api/users                 admin: list users
// POST /api/users                 admin: create a user
// PATCH /api/users/{email}        admin: change roles, name, disable
// POST /api/users/{email}/password-reset  admin: set a new password (ends the user's sessions)
import { z } from 'zod';
import type { Api } from '../http/route';
import { recordAudit } from '../audit/audit.service';
import * as auth from './auth.service';
import { clearSessionCookie, sessionFromCookie, sessionToken, setSessionCookie } from './session-cookie';
import {
  ChangePasswordBody,
  CreateUserBody,
  LoginBody,
  ResetPasswordBody,
  SessionOut,
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
      429: { description: 'Locked out for a while' },
    },
    handler: async ({ body }, _req, res) => {
      try {
        const session = await auth.login(body.email, body.password);
        setSessionCookie(res, session.token);
        await recordAudit(session.user.email, 'user.login');
        return { user: session.user, csrfToken: session.csrfToken, expiresAt: session.expiresAt.toISOString() };
      } catch (err) {
        if (err instanceof auth.UnauthorizedError || err instanceof auth.LockedError)
          await recordAudit(auth.normaliseEmail(body.email), 'user.login_failed');
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
    responses: { 204: { description: 'Changed' }, 422: { description: 'Current password wrong or new one too weak' } },
    handler: async ({ body, user }, _req, res) => {
      await auth.changePassword(user!.id, body.currentPassword, body.newPassword);
      await recordAudit(user!.email, 'user.password_change', user!.email);
      res.status(204).end();
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
      const created = await auth.createUser(body);
      await recordAudit(user!.email, 'user.create', created.email, { roles: created.roles });
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
      await auth.updateUser(params.email, body);
      await recordAudit(user!.email, 'user.update', auth.normaliseEmail(params.email), { ...body });
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
    handler: async ({ params, body, user }, _req, res) => {
      await auth.resetPassword(params.email, body.newPassword);
      await recordAudit(user!.email, 'user.password_reset', auth.normaliseEmail(params.email));
      res.status(204).end();
    },
  });
}
